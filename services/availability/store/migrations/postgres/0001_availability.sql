-- What availability knows of the directory, from its change feed: enough to
-- refuse slots of unknown, inactive or opted-out professionals and to match a
-- slot's place to a directory site. sites is the professional's site names,
-- space-separated.
CREATE TABLE dir_professionals (
    national_id TEXT PRIMARY KEY,
    active BOOLEAN NOT NULL,
    opted_out BOOLEAN NOT NULL,
    sites TEXT NOT NULL
);

CREATE TABLE dir_sites (
    name TEXT PRIMARY KEY,
    siret TEXT NOT NULL,
    finess TEXT NOT NULL,
    postal_code TEXT NOT NULL,
    city TEXT NOT NULL
);
CREATE INDEX dir_sites_siret ON dir_sites (siret) WHERE siret <> '';
CREATE INDEX dir_sites_finess ON dir_sites (finess) WHERE finess <> '';

-- Resume tokens of the feeds this service follows, written with what they applied.
CREATE TABLE feeds (
    name TEXT PRIMARY KEY,
    resume_token TEXT NOT NULL
);

-- doc holds the proto-encoded sas.availability.v1.Slot without its output-only
-- fields; a push that leaves doc and published unchanged writes nothing.
-- Hand-entered slots have vendor '' and external_id = id.
CREATE TABLE slots (
    id TEXT PRIMARY KEY,
    vendor TEXT NOT NULL,
    external_id TEXT NOT NULL,
    national_id TEXT NOT NULL, -- '' for a structure's slot
    start_us BIGINT NOT NULL,
    end_us BIGINT NOT NULL,
    published BOOLEAN NOT NULL,
    doc BYTEA NOT NULL,
    version BIGINT NOT NULL,
    create_time_us BIGINT NOT NULL,
    update_time_us BIGINT NOT NULL
);
CREATE UNIQUE INDEX slots_vendor_key ON slots (vendor, external_id);
CREATE INDEX slots_professional ON slots (national_id, start_us);
CREATE INDEX slots_end ON slots (end_us);

CREATE TABLE ranges (
    id TEXT PRIMARY KEY,
    national_id TEXT NOT NULL,
    start_us BIGINT NOT NULL,
    end_us BIGINT NOT NULL,
    max_patients INTEGER NOT NULL,
    orientation_count INTEGER NOT NULL,
    published BOOLEAN NOT NULL,
    doc BYTEA NOT NULL,
    version BIGINT NOT NULL,
    update_time_us BIGINT NOT NULL
);
CREATE INDEX ranges_professional ON ranges (national_id, start_us);
CREATE INDEX ranges_end ON ranges (end_us);

-- One row per orientation counted into a range: reserving twice counts once.
CREATE TABLE range_orientations (
    range_id TEXT NOT NULL,
    orientation TEXT NOT NULL,
    PRIMARY KEY (range_id, orientation)
);

CREATE TABLE participations (
    national_id TEXT PRIMARY KEY,
    doc BYTEA NOT NULL,
    version BIGINT NOT NULL,
    update_time_us BIGINT NOT NULL
);

-- The vendors each professional names in its participation, for the pull.
CREATE TABLE participation_vendors (
    vendor TEXT NOT NULL,
    national_id TEXT NOT NULL,
    PRIMARY KEY (vendor, national_id)
);

CREATE TABLE appointments (
    id TEXT PRIMARY KEY,
    vendor TEXT NOT NULL,
    external_id TEXT NOT NULL,
    territory TEXT NOT NULL,
    orientation TEXT NOT NULL,
    status INTEGER NOT NULL,
    doc BYTEA NOT NULL,
    version BIGINT NOT NULL,
    update_time_us BIGINT NOT NULL
);
CREATE UNIQUE INDEX appointments_vendor_key ON appointments (vendor, external_id);
CREATE INDEX appointments_recent ON appointments (update_time_us DESC, id);

-- Answers to mutating calls with a request_id (AIP-155), kept a day.
CREATE TABLE requests (
    caller TEXT NOT NULL,
    request_id TEXT NOT NULL,
    method TEXT NOT NULL,
    hash BYTEA NOT NULL,
    answer BYTEA NOT NULL,
    create_time_us BIGINT NOT NULL,
    PRIMARY KEY (caller, request_id)
);

-- The change feed: kind is 'slot', 'range' or 'participation', key the id
-- (the national id for a participation).
CREATE TABLE outbox (
    seq BIGSERIAL PRIMARY KEY,
    kind TEXT NOT NULL,
    key TEXT NOT NULL,
    change_type INTEGER NOT NULL,
    change_time_us BIGINT NOT NULL
);
