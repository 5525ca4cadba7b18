// Package searchcache is the cache of regulators' searches in front of the
// search index: Redis shared by the replicas (or a cache in process), keyed
// by the normalized query so that nearby regulators share entries.
//
// Normalize turns a request into the query the index is actually asked: a
// point snapped to the centre of a 0.005° grid cell, the radius rounded up
// to the kilometre, the time floored to the minute, filters sorted. The
// cached answer is exactly the index's answer to that query, so a hit, a
// miss and a bypass answer alike.
//
// Correctness comes from invalidation, not from the TTL: every entry is
// tagged with the index cells (0.1°) its answer depends on (the 1° squares
// holding them, for a large disc), and the feed consumer calls Invalidate
// with the cells of each change it applied. Keys and tags carry the minute,
// so entries and tag sets live about a minute. Concurrent misses of one key
// compute once in the process. When Redis fails, searches are computed from
// the index (outcome bypass) and the invalidations that could not be sent
// are replayed before Redis serves anything again. A call that only runs
// out of OpTimeout while others succeed is a busy process, not a failing
// Redis: that one search is computed and the cache stays up (see slow).
//
// In front of Redis, each process keeps the answers it computed itself
// (near): a hit from it costs no round trip, and it still answers while
// Redis is down. Another replica's answers are not kept there, since one
// computed from a lagging feed would outlive the invalidation that takes
// it out of Redis.
package searchcache
