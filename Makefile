# SAS availability platform. `make run` starts everything on embedded
# defaults; `make test` runs every check CI runs. See README.md.

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

BIN        := $(CURDIR)/.bin
PROTO_DEPS := $(CURDIR)/.proto-deps
export PATH := $(BIN):$(PATH)

# Pinned code generators and tools (installed with `go install` into .bin/).
BUF_VERSION          := v1.75.0
PROTOC_GEN_GO        := v1.36.11
PROTOC_GEN_GO_GRPC   := v1.6.1
GRPC_GATEWAY_VERSION := v2.33.0
GRPCURL_VERSION      := v1.9.3
GOOGLE_PROTO_FILES   := 6.0.1

# What `make breaking` compares proto/ with: a git revision.
BREAKING_AGAINST ?= main
AGAINST_DIR      := $(CURDIR)/.proto-against

MODULES     := gen services/platform services/accounts services/directory services/availability services/search services/gateway services/cmd
GO_PACKAGES := $(addprefix ./,$(addsuffix /...,$(MODULES)))
GOOGLE_API_PROTOS := annotations http field_behavior client launch_stage resource httpbody
GOOGLE_RPC_PROTOS := status error_details code

.PHONY: help
help: ## List the targets.
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-16s %s\n", $$1, $$2}'

.PHONY: run
run: ## Build and start the whole platform (sasd) on embedded defaults with demo data.
	go build -o $(BIN)/sasd ./services/cmd/sasd
	$(BIN)/sasd -demo-professionals 5000

.PHONY: test
test: lint breaking check-generated deploy-check go-test ## Every check: vet, buf lint, buf breaking, gen/ freshness, all tests with -race on SQLite, PostgreSQL, Redis and in-process cache.

.PHONY: deploy-check
deploy-check: ## Validate deploy/ offline: Kubernetes manifests (strict API types, Pod Security, network policies vs the design), Compose, Dockerfiles (BuildKit lint), alert rules, dashboard, metric catalogue.
	@unformatted=$$(gofmt -l deploy/check); if [ -n "$$unformatted" ]; then echo "gofmt needed:"; echo "$$unformatted"; exit 1; fi
	cd deploy/check && GOWORK=off go vet ./... && GOWORK=off go test -count=1 ./... && GOWORK=off go run .

.PHONY: go-test
go-test: ## Go tests of every module, with the race detector.
	go test -race -count=1 -timeout 20m $(GO_PACKAGES)

.PHONY: bench
bench: ## Every issue's benchmarks and load runs on the national dataset (PostgreSQL, Redis); report in bench/results/.
	bench/run

.PHONY: faults
faults: ## Fault runs on loopback (sasd killed, PostgreSQL and Redis restarted) with reconciliation; report in bench/results/.
	go build -o $(BIN)/sasd ./services/cmd/sasd
	mkdir -p bench/results
	go run ./services/cmd/faults -sasd $(BIN)/sasd -o bench/results/faults-$$(date -u +%Y-%m-%d).md

.PHONY: lint
lint: tools proto-deps ## go vet, gofmt and buf lint.
	go vet $(GO_PACKAGES)
	@unformatted=$$(gofmt -l services); if [ -n "$$unformatted" ]; then echo "gofmt needed:"; echo "$$unformatted"; exit 1; fi
	buf lint proto

.PHONY: breaking
breaking: tools proto-deps ## buf breaking (WIRE_JSON) of proto/ against BREAKING_AGAINST (default main).
	rm -rf $(AGAINST_DIR) && mkdir -p $(AGAINST_DIR)
	git archive $(BREAKING_AGAINST) | tar -x -C $(AGAINST_DIR)
	mkdir -p $(AGAINST_DIR)/.proto-deps && cp -r $(PROTO_DEPS)/google $(AGAINST_DIR)/.proto-deps/
	buf breaking . --against $(AGAINST_DIR)

.PHONY: generate
generate: tools proto-deps ## Regenerate gen/ (Go, gRPC, grpc-gateway, OpenAPI) from proto/, offline.
	rm -rf gen/sas gen/openapi/*.json
	buf generate

.PHONY: check-generated
check-generated: generate ## Fail when gen/ differs from what `make generate` produces.
	@if [ -n "$$(git status --porcelain -- gen)" ]; then \
	  echo "gen/ is stale: run 'make generate' and commit:"; git status --porcelain -- gen; exit 1; fi

.PHONY: tools
tools: $(BIN)/.versions-$(BUF_VERSION)-$(PROTOC_GEN_GO)-$(PROTOC_GEN_GO_GRPC)-$(GRPC_GATEWAY_VERSION)-$(GRPCURL_VERSION) ## Install buf, the protoc plugins and grpcurl at pinned versions.

$(BIN)/.versions-%:
	mkdir -p $(BIN)
	GOBIN=$(BIN) go install github.com/bufbuild/buf/cmd/buf@$(BUF_VERSION)
	GOBIN=$(BIN) go install google.golang.org/protobuf/cmd/protoc-gen-go@$(PROTOC_GEN_GO)
	GOBIN=$(BIN) go install google.golang.org/grpc/cmd/protoc-gen-go-grpc@$(PROTOC_GEN_GO_GRPC)
	GOBIN=$(BIN) go install github.com/grpc-ecosystem/grpc-gateway/v2/protoc-gen-grpc-gateway@$(GRPC_GATEWAY_VERSION) github.com/grpc-ecosystem/grpc-gateway/v2/protoc-gen-openapiv2@$(GRPC_GATEWAY_VERSION)
	GOBIN=$(BIN) go install github.com/fullstorydev/grpcurl/cmd/grpcurl@$(GRPCURL_VERSION)
	rm -f $(BIN)/.versions-* && touch $@

.PHONY: proto-deps
proto-deps: $(PROTO_DEPS)/.google-proto-files-$(GOOGLE_PROTO_FILES) ## Fetch google/api and google/rpc protos (npm google-proto-files).

$(PROTO_DEPS)/.google-proto-files-%:
	rm -rf $(PROTO_DEPS) && mkdir -p $(PROTO_DEPS)/google/api $(PROTO_DEPS)/google/rpc $(PROTO_DEPS)/.npm
	cd $(PROTO_DEPS)/.npm && npm pack --silent google-proto-files@$(GOOGLE_PROTO_FILES) >/dev/null && tar xzf google-proto-files-*.tgz
	for f in $(GOOGLE_API_PROTOS); do cp $(PROTO_DEPS)/.npm/package/google/api/$$f.proto $(PROTO_DEPS)/google/api/; done
	for f in $(GOOGLE_RPC_PROTOS); do cp $(PROTO_DEPS)/.npm/package/google/rpc/$$f.proto $(PROTO_DEPS)/google/rpc/; done
	rm -rf $(PROTO_DEPS)/.npm && touch $@

.PHONY: clean
clean: ## Remove tools, fetched protos and local data (var/).
	rm -rf $(BIN) $(PROTO_DEPS) var
