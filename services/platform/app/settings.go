// Package app wires what every SAS binary shares: settings, logs,
// telemetry, stores, cache, the gRPC server and an orderly shutdown.
package app

import (
	"time"

	"github.com/sas-platform/sas/services/platform/config"
)

// Settings are the settings every binary reads.
type Settings struct {
	GRPCAddr     string
	HTTPAddr     string
	DataDir      string
	PostgresURL  string
	RedisURL     string
	LogLevel     string
	OTLPEndpoint string
	PageTokenKey string
	// DemoProfessionals is the size of the synthetic directory loaded into an empty store.
	DemoProfessionals int
	RPCTimeout        time.Duration
	ShutdownTimeout   time.Duration
}

// Declare adds the settings of a process hosting services to set; http
// says whether it also serves REST.
func (s *Settings) Declare(set *config.Set, http bool) {
	set.String(&s.GRPCAddr, "grpc-addr", "SAS_GRPC_ADDR", ":9090", "gRPC listen address")
	if http {
		s.declareHTTP(set)
	}
	set.String(&s.DataDir, "data-dir", "SAS_DATA_DIR", "var", "folder of the embedded SQLite files (one per service), used when no PostgreSQL URL is set")
	set.String(&s.PostgresURL, "postgres-url", "SAS_POSTGRES_URL", "", "PostgreSQL URL (e.g. postgres://postgres@127.0.0.1:5432/test); each service uses its own schema. Empty: embedded SQLite")
	set.String(&s.RedisURL, "redis-url", "SAS_REDIS_URL", "", "Redis URL (e.g. redis://127.0.0.1:6379/0) of the search cache. Empty: in-process cache")
	set.String(&s.PageTokenKey, "page-token-key", "SAS_PAGE_TOKEN_KEY", "", "base64 32-byte key sealing page tokens; set the same on every replica. Empty: random at start")
	set.Duration(&s.RPCTimeout, "rpc-timeout", "SAS_RPC_TIMEOUT", 30*time.Second, "deadline of unary RPCs whose caller set none")
	set.Int(&s.DemoProfessionals, "demo-professionals", "SAS_DEMO_PROFESSIONALS", 0, "when the directory is empty at start, import a synthetic extraction of this many professionals (make run sets 5000). 0: none")
	s.declareCommon(set)
}

// DeclareGateway adds the settings of a standalone REST gateway to set.
func (s *Settings) DeclareGateway(set *config.Set) {
	s.declareHTTP(set)
	s.declareCommon(set)
}

func (s *Settings) declareHTTP(set *config.Set) {
	set.String(&s.HTTPAddr, "http-addr", "SAS_HTTP_ADDR", ":8080", "REST gateway listen address")
}

func (s *Settings) declareCommon(set *config.Set) {
	set.String(&s.LogLevel, "log-level", "SAS_LOG_LEVEL", "info", "log level: debug, info, warn, error")
	set.String(&s.OTLPEndpoint, "otlp-endpoint", "SAS_OTLP_ENDPOINT", "", "OpenTelemetry collector (OTLP gRPC, host:port or https://...). Empty: no export")
	set.Duration(&s.ShutdownTimeout, "shutdown-timeout", "SAS_SHUTDOWN_TIMEOUT", 15*time.Second, "how long a stop waits for requests in flight before cutting them")
}
