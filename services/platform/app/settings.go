// Package app wires what every SAS binary shares: settings, logs,
// telemetry, stores, cache, the gRPC server and an orderly shutdown.
package app

import (
	"time"

	"github.com/sas-platform/sas/services/platform/config"
)

// Settings are the settings every binary reads.
type Settings struct {
	GRPCAddr    string
	HTTPAddr    string
	DataDir     string
	PostgresURL string
	RedisURL    string
	// SearchNearMB is how many megabytes of its own answers a search
	// replica keeps in process in front of Redis.
	SearchNearMB int
	LogLevel     string
	OTLPEndpoint string
	PageTokenKey string
	// DebugAddr serves the Go runtime's profiles and counters; empty: off.
	DebugAddr string
	// DemoProfessionals is the size of the synthetic directory loaded into an empty store.
	DemoProfessionals int
	// MigrateOnly opens and migrates the stores, then exits (a migrations Job).
	MigrateOnly bool
	// MaxInFlight bounds the REST requests the gateway serves at once.
	MaxInFlight     int
	RPCTimeout      time.Duration
	ShutdownTimeout time.Duration
	// AccountsAddr is the accounts service's gRPC address; empty: this process.
	AccountsAddr  string
	ServiceSecret string
	// DirectoryAddr and AvailabilityAddr are the other services' gRPC
	// addresses for the feeds that follow them; empty: this process.
	DirectoryAddr    string
	AvailabilityAddr string
	SearchAddr       string
	Accounts         AccountsSettings
	Availability     AvailabilitySettings
}

// AvailabilitySettings are read by the process that hosts the availability service.
type AvailabilitySettings struct {
	Horizon       time.Duration
	SlotRetention time.Duration
	FeedRetention time.Duration
	PullEvery     time.Duration
	// VendorSecretsDir holds one folder per vendor client certificate secret
	// (tls.crt, tls.key), as Kubernetes mounts secrets.
	VendorSecretsDir string
	VendorCAFile     string
}

func (s *AvailabilitySettings) declare(set *config.Set) {
	set.Duration(&s.Horizon, "slot-horizon", "SAS_SLOT_HORIZON", 14*24*time.Hour, "slots starting further ahead than this are refused")
	set.Duration(&s.SlotRetention, "slot-retention", "SAS_SLOT_RETENTION", 7*24*time.Hour, "slots and ranges are deleted this long after they end")
	set.Duration(&s.FeedRetention, "feed-retention", "SAS_FEED_RETENTION", 7*24*time.Hour, "changes are kept this long for change-feed resumption; older resume tokens get OUT_OF_RANGE")
	set.Duration(&s.PullEvery, "pull-every", "SAS_PULL_EVERY", 5*time.Minute, "how often vendors with a FHIR base URL are pulled for the slots of the professionals that use them")
	set.String(&s.VendorSecretsDir, "vendor-secrets-dir", "SAS_VENDOR_SECRETS_DIR", "", "folder of the vendors' client certificate secrets for mutual TLS (<secret>/tls.crt and tls.key). Empty: <data-dir>/secrets")
	set.String(&s.VendorCAFile, "vendor-ca-file", "SAS_VENDOR_CA_FILE", "", "PEM bundle of the CAs trusted for vendors' FHIR servers. Empty: the system's")
}

// AccountsSettings are read by the process that hosts the accounts service.
type AccountsSettings struct {
	TokenTTL       time.Duration
	KeyRotation    time.Duration
	OIDCIssuer     string
	OIDCClientID   string
	InactiveAfter  time.Duration
	PurgeAfter     time.Duration
	AuditRetention time.Duration
	SignInFailures int
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
	set.Int(&s.SearchNearMB, "search-near-mb", "SAS_SEARCH_NEAR_MB", 64, "megabytes of its own answers a search replica keeps in process in front of Redis, dropped by its own feeds' changes; 0: none. Unused without SAS_REDIS_URL")
	set.String(&s.PageTokenKey, "page-token-key", "SAS_PAGE_TOKEN_KEY", "", "base64 32-byte key sealing page tokens; set the same on every replica. Empty: random at start")
	set.Duration(&s.RPCTimeout, "rpc-timeout", "SAS_RPC_TIMEOUT", 30*time.Second, "deadline of unary RPCs whose caller set none")
	set.String(&s.AccountsAddr, "accounts-addr", "SAS_ACCOUNTS_ADDR", "", "gRPC address of the accounts service (token keys, service tokens, audit trail). Empty: the accounts service of this process")
	set.String(&s.DirectoryAddr, "directory-addr", "SAS_DIRECTORY_ADDR", "", "gRPC address of the directory service, whose change feed availability and search follow. Empty: this process")
	set.String(&s.AvailabilityAddr, "availability-addr", "SAS_AVAILABILITY_ADDR", "", "gRPC address of the availability service, whose change feed search follows. Empty: this process")
	set.String(&s.SearchAddr, "search-addr", "SAS_SEARCH_ADDR", "", "gRPC address of the search service, which availability asks for the orientations vendors report bookings of. Empty: this process")
	set.String(&s.ServiceSecret, "service-secret", "SAS_SERVICE_SECRET", "", "shared secret with which the platform's services obtain service tokens from accounts; required with SAS_ACCOUNTS_ADDR. Empty: random at start (one process)")
	s.Accounts.declare(set)
	s.Availability.declare(set)
	set.String(&s.DebugAddr, "debug-addr", "SAS_DEBUG_ADDR", "", "listen address of the Go runtime's profiles (/debug/pprof/) and counters (/debug/vars), e.g. 127.0.0.1:6060; unauthenticated, so keep it off the service port. Empty: off")
	set.Bool(&s.MigrateOnly, "migrate-only", "SAS_MIGRATE_ONLY", false, "open and migrate the stores of the process's services, then exit 0 without serving (the Kubernetes migrations Job)")
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
	set.Int(&s.MaxInFlight, "max-in-flight", "SAS_MAX_IN_FLIGHT", 64, "REST requests the gateway serves at once; past it a request gets 429 at once instead of queueing behind the others")
}

func (s *Settings) declareCommon(set *config.Set) {
	set.String(&s.LogLevel, "log-level", "SAS_LOG_LEVEL", "info", "log level: debug, info, warn, error")
	set.String(&s.OTLPEndpoint, "otlp-endpoint", "SAS_OTLP_ENDPOINT", "", "OpenTelemetry collector (OTLP gRPC, host:port or https://...). Empty: no export")
	set.Duration(&s.ShutdownTimeout, "shutdown-timeout", "SAS_SHUTDOWN_TIMEOUT", 15*time.Second, "how long a stop waits for requests in flight before cutting them")
}

func (s *AccountsSettings) declare(set *config.Set) {
	set.Duration(&s.TokenTTL, "token-ttl", "SAS_TOKEN_TTL", 15*time.Minute, "lifetime of access tokens")
	set.Duration(&s.KeyRotation, "key-rotation", "SAS_KEY_ROTATION", 24*time.Hour, "how often the token signing key is replaced (the old one stays published until its tokens expire)")
	set.String(&s.OIDCIssuer, "oidc-issuer", "SAS_OIDC_ISSUER", "", "OIDC issuer trusted for sign-in (Pro Santé Connect: https://auth.esw.esante.gouv.fr/auth/realms/esante-wallet). Empty: the built-in development issuer")
	set.String(&s.OIDCClientID, "oidc-client-id", "SAS_OIDC_CLIENT_ID", "sas", "client id of the platform at the OIDC issuer: the audience of the ID tokens it accepts")
	set.Duration(&s.InactiveAfter, "inactive-after", "SAS_INACTIVE_AFTER", 180*24*time.Hour, "an account not signed in for this long is flagged inactive")
	set.Duration(&s.PurgeAfter, "purge-after", "SAS_PURGE_AFTER", 365*24*time.Hour, "an inactive account is purged (personal data erased) this long after being flagged")
	set.Duration(&s.AuditRetention, "audit-retention", "SAS_AUDIT_RETENTION", 365*24*time.Hour, "audit events older than this are purged")
	set.Int(&s.SignInFailures, "sign-in-failures", "SAS_SIGN_IN_FAILURES", 5, "failed sign-ins allowed per client and minute before further attempts are refused")
}
