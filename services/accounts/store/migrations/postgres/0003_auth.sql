-- Signing keys of access tokens. The newest is the current one; a key stays
-- published in the key set until expire_us (its last token has expired).
CREATE TABLE signing_keys (
    id TEXT PRIMARY KEY,
    private_jwk TEXT NOT NULL,
    created_us BIGINT NOT NULL,
    expire_us BIGINT
);

-- OAuth2 clients of the client-credentials grant: vendors and the bootstrap
-- admin. Secrets are random 256-bit strings, stored as SHA-256 hashes; the
-- previous hash keeps working until previous_expire_us after a rotation.
CREATE TABLE clients (
    client_id TEXT PRIMARY KEY,
    subject TEXT NOT NULL,
    secret_hash TEXT NOT NULL,
    previous_hash TEXT NOT NULL DEFAULT '',
    previous_expire_us BIGINT NOT NULL DEFAULT 0,
    rotated_us BIGINT NOT NULL DEFAULT 0,
    create_us BIGINT NOT NULL
);

CREATE TABLE vendors (
    id TEXT PRIMARY KEY,
    display_name TEXT NOT NULL,
    client_id TEXT NOT NULL UNIQUE,
    fhir_base_url TEXT NOT NULL,
    client_certificate_secret TEXT NOT NULL,
    push_rate_limit INTEGER NOT NULL,
    enabled BOOLEAN NOT NULL,
    deleted BOOLEAN NOT NULL DEFAULT FALSE,
    create_us BIGINT NOT NULL,
    update_us BIGINT NOT NULL,
    version BIGINT NOT NULL
);
