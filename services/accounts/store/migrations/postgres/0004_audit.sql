-- Audit trail: append-only (no statement of the service updates or deletes
-- a row, except the retention purge). details is a JSON object.
CREATE TABLE audit_events (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    actor TEXT NOT NULL,
    actor_role INTEGER NOT NULL,
    action TEXT NOT NULL,
    target TEXT NOT NULL,
    territory TEXT NOT NULL,
    event_us BIGINT NOT NULL,
    outcome INTEGER NOT NULL,
    request_id TEXT NOT NULL,
    details TEXT NOT NULL
);
CREATE INDEX audit_events_territory ON audit_events (territory, id);
CREATE INDEX audit_events_actor ON audit_events (actor, id);
CREATE INDEX audit_events_target ON audit_events (target, id);
CREATE INDEX audit_events_time ON audit_events (event_us);
