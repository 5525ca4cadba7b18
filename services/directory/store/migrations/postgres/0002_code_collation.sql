-- Codes compare bytewise: only their equality matters, and an index on a
-- "C" column builds several times faster than under a linguistic collation
-- (a first import builds them all at once).
ALTER TABLE professionals ALTER COLUMN profession TYPE TEXT COLLATE "C";
ALTER TABLE activities ALTER COLUMN site TYPE TEXT COLLATE "C", ALTER COLUMN specialty TYPE TEXT COLLATE "C",
    ALTER COLUMN departement TYPE TEXT COLLATE "C", ALTER COLUMN commune TYPE TEXT COLLATE "C";
ALTER TABLE sites ALTER COLUMN departement TYPE TEXT COLLATE "C", ALTER COLUMN commune TYPE TEXT COLLATE "C";
