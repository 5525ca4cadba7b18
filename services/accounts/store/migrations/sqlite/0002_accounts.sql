-- Accounts of users. Times are Unix microseconds, 0 meaning never.
-- email_key is the e-mail lowercased (unique: one account per address,
-- whatever its case). clock_us starts the inactivity period (creation,
-- last sign-in or reactivation). ever_regulator stays set once the account
-- had a regulator role, so that the sync tells vendors to forget it. seq
-- orders changes for the vendors' regulator sync: every write takes the next
-- value of account_changes, whose row lock makes seq order the commit order
-- (a sequence would not: numbers are taken before commits, in any order).
CREATE TABLE accounts (
    id TEXT PRIMARY KEY,
    email TEXT NOT NULL,
    email_key TEXT NOT NULL UNIQUE,
    role INTEGER NOT NULL,
    city TEXT NOT NULL,
    departement TEXT NOT NULL,
    territory TEXT NOT NULL REFERENCES territories (name),
    national_id TEXT NOT NULL,
    family_name TEXT NOT NULL,
    given_name TEXT NOT NULL,
    region TEXT NOT NULL,
    profession TEXT NOT NULL,
    state INTEGER NOT NULL,
    inactive BOOLEAN NOT NULL,
    erased BOOLEAN NOT NULL,
    ever_regulator BOOLEAN NOT NULL,
    create_time_us BIGINT NOT NULL,
    update_time_us BIGINT NOT NULL,
    last_sign_in_us BIGINT NOT NULL,
    clock_us BIGINT NOT NULL,
    inactive_since_us BIGINT NOT NULL,
    delete_time_us BIGINT NOT NULL,
    version BIGINT NOT NULL,
    seq BIGINT NOT NULL
);

CREATE UNIQUE INDEX accounts_national_id ON accounts (national_id) WHERE national_id <> '';
CREATE UNIQUE INDEX accounts_seq ON accounts (seq);
CREATE INDEX accounts_territory_email ON accounts (territory, email_key);
CREATE INDEX accounts_territory_role_email ON accounts (territory, role, email_key);
CREATE INDEX accounts_territory_family ON accounts (territory, family_name, id);
CREATE INDEX accounts_territory_created ON accounts (territory, create_time_us, id);
CREATE INDEX accounts_role_email ON accounts (role, email_key);
CREATE INDEX accounts_family ON accounts (family_name, id);
CREATE INDEX accounts_created ON accounts (create_time_us, id);

CREATE TABLE account_changes (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    seq BIGINT NOT NULL
);
INSERT INTO account_changes (id, seq) VALUES (1, 0);

-- Grants from a professional or structure manager (grantor) to a delegate.
-- professionals holds national ids joined with commas ('' = the grantor).
CREATE TABLE delegations (
    id TEXT PRIMARY KEY,
    grantor TEXT NOT NULL REFERENCES accounts (id),
    delegate TEXT NOT NULL REFERENCES accounts (id),
    professionals TEXT NOT NULL,
    expire_time_us BIGINT NOT NULL,
    create_time_us BIGINT NOT NULL
);
CREATE INDEX delegations_grantor ON delegations (grantor, create_time_us, id);
CREATE INDEX delegations_delegate ON delegations (delegate, create_time_us, id);

-- First answers of mutating calls, by caller and request_id, for idempotent
-- retries. target is the account the answer is about (erasure deletes them).
CREATE TABLE account_requests (
    caller TEXT NOT NULL,
    request_id TEXT NOT NULL,
    method TEXT NOT NULL,
    hash BLOB NOT NULL,
    target TEXT NOT NULL,
    answer BLOB NOT NULL,
    create_time_us BIGINT NOT NULL,
    PRIMARY KEY (caller, request_id)
);
CREATE INDEX account_requests_target ON account_requests (target);
CREATE INDEX account_requests_created ON account_requests (create_time_us);
