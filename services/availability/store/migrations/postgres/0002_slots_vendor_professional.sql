-- A vendor's slots of given professionals (the overlap check of every
-- pushed batch, replace-window) by one index, whatever the statistics say:
-- with (vendor, external_id) and (national_id, start_us) only, a planner
-- with stale statistics (a table growing faster than autovacuum analyzes
-- it) scanned the vendor's whole key index, 300 ms a batch at 200,000
-- slots a vendor.
CREATE INDEX slots_vendor_professional ON slots (vendor, national_id, start_us);
