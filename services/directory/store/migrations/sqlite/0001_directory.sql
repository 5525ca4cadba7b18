-- doc holds the proto-encoded sas.directory.v1.Professional / Site as imported;
-- the columns beside it serve filters and change detection.
CREATE TABLE professionals (
    national_id TEXT PRIMARY KEY,
    profession TEXT NOT NULL,
    active BOOLEAN NOT NULL,
    opted_out BOOLEAN NOT NULL DEFAULT FALSE,
    content_hash BIGINT NOT NULL,
    doc BLOB NOT NULL,
    version BIGINT NOT NULL,
    update_time_us BIGINT NOT NULL
);
CREATE INDEX professionals_profession ON professionals (profession, national_id);

-- One row per activity, for the list filters; written by imports only, with
-- their professional (no foreign key: it would cost a lookup per row).
CREATE TABLE activities (
    national_id TEXT NOT NULL,
    site TEXT NOT NULL,
    specialty TEXT NOT NULL,
    departement TEXT NOT NULL,
    commune TEXT NOT NULL
);
CREATE INDEX activities_national_id ON activities (national_id);
CREATE INDEX activities_departement ON activities (departement, national_id);
CREATE INDEX activities_commune ON activities (commune, national_id);
CREATE INDEX activities_specialty ON activities (specialty, national_id);

CREATE TABLE sites (
    name TEXT PRIMARY KEY,
    departement TEXT NOT NULL,
    commune TEXT NOT NULL,
    located BOOLEAN NOT NULL,
    content_hash BIGINT NOT NULL,
    doc BLOB NOT NULL,
    update_time_us BIGINT NOT NULL
);
CREATE INDEX sites_departement ON sites (departement, name);
CREATE INDEX sites_commune ON sites (commune, name);

CREATE TABLE codes (
    kind TEXT NOT NULL, -- 'profession' or 'specialty'
    code TEXT NOT NULL,
    label TEXT NOT NULL,
    extra TEXT NOT NULL, -- category of a profession, savoir-faire type of a specialty
    PRIMARY KEY (kind, code)
);

CREATE TABLE imports (
    id TEXT PRIMARY KEY,
    file_name TEXT NOT NULL,
    state INTEGER NOT NULL,
    error TEXT NOT NULL DEFAULT '',
    total_bytes BIGINT NOT NULL DEFAULT 0,
    processed_bytes BIGINT NOT NULL DEFAULT 0,
    lines_read BIGINT NOT NULL DEFAULT 0,
    lines_rejected BIGINT NOT NULL DEFAULT 0,
    added BIGINT NOT NULL DEFAULT 0,
    changed BIGINT NOT NULL DEFAULT 0,
    deactivated BIGINT NOT NULL DEFAULT 0,
    unchanged BIGINT NOT NULL DEFAULT 0,
    max_rejection_percent DOUBLE PRECISION NOT NULL,
    create_time_us BIGINT NOT NULL,
    end_time_us BIGINT NOT NULL DEFAULT 0
);

CREATE TABLE import_rejections (
    import_id TEXT NOT NULL REFERENCES imports (id),
    line BIGINT NOT NULL,
    column_name TEXT NOT NULL,
    reason TEXT NOT NULL,
    content TEXT NOT NULL,
    PRIMARY KEY (import_id, line)
);

-- The change feed: written in the same transaction as the change; seq orders it.
CREATE TABLE outbox (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    kind TEXT NOT NULL, -- 'professional' or 'site'
    name TEXT NOT NULL,
    change_type INTEGER NOT NULL,
    change_time_us BIGINT NOT NULL
);
