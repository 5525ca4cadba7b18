# gateway: the REST/JSON gateway (grpc-gateway, /openapi.json, /healthz, /readyz) on :8080,
# in front of the services' gRPC servers. Build from the repository root:
#   docker build -f deploy/docker/gateway.Dockerfile -t sas/gateway .
# Static binary, distroless, non-root. Configuration: the SAS_* environment variables of the README.
ARG GO_VERSION=1.26.8
ARG RUNTIME_IMAGE=gcr.io/distroless/static-debian12:nonroot

FROM golang:${GO_VERSION} AS build
ENV CGO_ENABLED=0 GOTOOLCHAIN=local GOFLAGS=-trimpath
WORKDIR /src
# The health check: distroless has no shell, so HEALTHCHECK runs a static
# probe of /readyz (standard library only, built outside any module).
COPY deploy/check/httpprobe/main.go /probe/main.go
RUN --mount=type=cache,target=/root/.cache/go-build \
    cd /probe && GOWORK=off go build -ldflags="-s -w" -o /out/httpprobe main.go
COPY go.work go.work.sum ./
COPY gen gen
COPY services services
RUN --mount=type=cache,target=/root/go/pkg/mod --mount=type=cache,target=/root/.cache/go-build \
    go build -ldflags="-s -w" -o /out/gateway ./services/cmd/gateway

FROM ${RUNTIME_IMAGE}
COPY --from=build /out/gateway /usr/local/bin/gateway
COPY --from=build /out/httpprobe /usr/local/bin/httpprobe
# 65532 is distroless's nonroot user; numeric, so Kubernetes can check runAsNonRoot.
USER 65532:65532
ENV SAS_HTTP_ADDR=:8080
EXPOSE 8080
HEALTHCHECK --interval=10s --timeout=5s --start-period=30s --retries=3 \
    CMD ["/usr/local/bin/httpprobe", "http://127.0.0.1:8080/readyz"]
ENTRYPOINT ["/usr/local/bin/gateway"]
