CREATE TABLE regions (
    name TEXT PRIMARY KEY,
    code TEXT NOT NULL,
    display_name TEXT NOT NULL,
    lat DOUBLE PRECISION NOT NULL,
    lon DOUBLE PRECISION NOT NULL,
    capital_insee_code TEXT NOT NULL
);

CREATE TABLE departements (
    name TEXT PRIMARY KEY,
    code TEXT NOT NULL,
    display_name TEXT NOT NULL,
    region TEXT NOT NULL REFERENCES regions (name),
    lat DOUBLE PRECISION NOT NULL,
    lon DOUBLE PRECISION NOT NULL,
    capital_insee_code TEXT NOT NULL
);

-- departements holds the resource names joined with commas.
CREATE TABLE territories (
    name TEXT PRIMARY KEY,
    display_name TEXT NOT NULL,
    region TEXT NOT NULL REFERENCES regions (name),
    departements TEXT NOT NULL,
    default_radius_meters INTEGER NOT NULL,
    radius_step_meters INTEGER NOT NULL,
    coverage_radius_meters INTEGER NOT NULL,
    lat DOUBLE PRECISION NOT NULL,
    lon DOUBLE PRECISION NOT NULL,
    version BIGINT NOT NULL,
    update_time_us BIGINT NOT NULL
);
