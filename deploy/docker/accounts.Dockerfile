# accounts: the accounts service (accounts, territories, delegations, vendors, sign-in and key set, audit trail),
# alone, gRPC only on :9090 (grpc.health.v1, reflection). Build from the repository root:
#   docker build -f deploy/docker/accounts.Dockerfile -t sas/accounts .
# Static binary (no cgo: the embedded SQLite is pure Go), distroless, non-root.
# Configuration: the SAS_* environment variables of the README.
ARG GO_VERSION=1.26.8
ARG RUNTIME_IMAGE=gcr.io/distroless/static-debian12:nonroot

FROM golang:${GO_VERSION} AS build
ENV CGO_ENABLED=0 GOTOOLCHAIN=local GOFLAGS=-trimpath
WORKDIR /src
# The health check: distroless has no shell, so HEALTHCHECK runs a static probe.
RUN --mount=type=cache,target=/root/go/pkg/mod --mount=type=cache,target=/root/.cache/go-build \
    GOWORK=off GOBIN=/out go install github.com/grpc-ecosystem/grpc-health-probe@v0.4.61
COPY go.work go.work.sum ./
COPY gen gen
COPY services services
RUN --mount=type=cache,target=/root/go/pkg/mod --mount=type=cache,target=/root/.cache/go-build \
    go build -ldflags="-s -w" -o /out/accounts ./services/accounts/cmd/accounts

FROM ${RUNTIME_IMAGE}
COPY --from=build /out/accounts /usr/local/bin/accounts
COPY --from=build /out/grpc-health-probe /usr/local/bin/grpc-health-probe
# 65532 is distroless's nonroot user; numeric, so Kubernetes can check runAsNonRoot.
USER 65532:65532
ENV SAS_GRPC_ADDR=:9090 SAS_DATA_DIR=/tmp/sas
EXPOSE 9090
HEALTHCHECK --interval=10s --timeout=5s --start-period=60s --retries=3 \
    CMD ["/usr/local/bin/grpc-health-probe", "-addr=127.0.0.1:9090", "-connect-timeout=2s", "-rpc-timeout=2s"]
ENTRYPOINT ["/usr/local/bin/accounts"]
