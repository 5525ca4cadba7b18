-- One index for a professional's slots instead of two: (national_id,
-- vendor, start_us) serves the overlap check and replace-window of a
-- vendor's push (national id and vendor equal, a start range) as
-- (vendor, national_id, start_us) did, and the lists by professional that
-- (national_id, start_us) served. Every pushed slot updates one index less.
DROP INDEX slots_professional;
DROP INDEX slots_vendor_professional;
CREATE INDEX slots_professional_vendor ON slots (national_id, vendor, start_us);
