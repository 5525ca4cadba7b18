-- Orientations: where regulators sent patients. No patient data: the type,
-- the regulator and its territory, the target (slot, range, professional or
-- structure), the consultation mode and the vendor's booking URL.
CREATE TABLE orientations (
    id TEXT PRIMARY KEY,
    type INTEGER NOT NULL,
    regulator TEXT NOT NULL,
    territory TEXT NOT NULL,
    slot TEXT NOT NULL,
    range_name TEXT NOT NULL,
    professional TEXT NOT NULL,
    structure TEXT NOT NULL,
    consultation_mode INTEGER NOT NULL,
    vendor TEXT NOT NULL,
    booking_url TEXT NOT NULL,
    create_time_us BIGINT NOT NULL
);

-- A slot takes one patient.
CREATE UNIQUE INDEX orientations_slot ON orientations (slot) WHERE slot <> '';
-- Lists, newest first, whole or by territory or regulator.
CREATE INDEX orientations_time ON orientations (create_time_us, id);
CREATE INDEX orientations_territory_time ON orientations (territory, create_time_us, id);
CREATE INDEX orientations_regulator_time ON orientations (regulator, create_time_us, id);

-- Short holds of slots by regulators ("accounts/{id}").
CREATE TABLE slot_holds (
    slot TEXT PRIMARY KEY,
    holder TEXT NOT NULL,
    expire_time_us BIGINT NOT NULL
);
CREATE INDEX slot_holds_expire ON slot_holds (expire_time_us);

-- Answers to CreateOrientation calls with a request_id (idempotency).
CREATE TABLE orientation_requests (
    caller TEXT NOT NULL,
    request_id TEXT NOT NULL,
    method TEXT NOT NULL,
    hash BLOB NOT NULL,
    answer BLOB NOT NULL,
    create_time_us BIGINT NOT NULL,
    PRIMARY KEY (caller, request_id)
);
CREATE INDEX orientation_requests_time ON orientation_requests (create_time_us);
