// Package index is the search read model of the search service and its query
// engine, in memory: the only thing a search reads.
//
// The directory and availability change feeds write into an Index
// (professionals, sites, slots, ranges, participation settings, in any
// order); searches read it. What can be found is kept as entries, one per
// (professional, site) pair with bookable availability (a published free slot,
// a range with places left) or with the extra-patients or re-orientation fee
// flag, each holding its items sorted by start. An entry's row (position as a
// unit vector, flags, codes, first start of its items by visibility) sits in a
// grid of 0.02° cells: a search walks the cells that can intersect its disc,
// decides most rows without following a pointer, reads the items of the
// others, counts what it finds and keeps the best page in a bounded heap.
// Nothing is allocated per row read; around Paris, 30,000 sites within 10 km
// take about half a millisecond (see BenchmarkSearch).
//
// Cells of 0.1° (Cell) are what a cache keys on: every change reports the
// cells whose search results it may have changed, and Cells gives those a
// search covers.
//
// Places and radii come from the embedded Reference (communes with postal
// codes and populations, SAS territories, code labels; see data/SOURCE.md).
package index
