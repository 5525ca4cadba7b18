// Package pull fetches the free slots of the professionals a vendor serves
// from the vendor's FHIR server, in the background, and hands them to the
// availability service through the same path as pushed slots.
//
// A Puller asks each vendor for its professionals in batches of 25 (the most
// the SAS guide allows in one search), several batches at a time, over mutual
// TLS with the vendor's client certificate. It follows the searchset's next
// links, retries network errors, timeouts, 429 and 5xx with exponential
// backoff and jitter, and keeps one circuit breaker per vendor, so that a
// vendor that hangs, fails or sends garbage is skipped at once and never
// slows the others. Run refreshes every vendor of a Source periodically.
//
// Logs carry vendors and counts only, never national identifiers: URLs of
// failed requests are not logged.
package pull
