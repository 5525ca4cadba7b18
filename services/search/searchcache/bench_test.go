package searchcache

import (
	"context"
	"slices"
	"testing"
)

// BenchmarkHit measures a hit: normalize, one GET, decode; or, near, a look
// in process and decode. The parallel runs show the throughput of one
// process.
func BenchmarkHit(b *testing.B) {
	setups := append(slices.Clone(backends), backend{"redis+near", newRedis})
	for _, be := range setups {
		for _, parallel := range []bool{false, true} {
			name := be.name
			if parallel {
				name += "/parallel"
			}
			b.Run(name, func(b *testing.B) {
				var cfg Config
				if be.name == "redis+near" {
					cfg.Near = DefaultNear
				}
				f := newFixture(b, be.open(b), cfg)
				if _, out := f.search(at(nantes)); out != OutcomeMiss {
					b.Fatalf("first search: %s", out)
				}
				b.ReportAllocs()
				if !parallel {
					for b.Loop() {
						hit(b, f)
					}
					return
				}
				b.RunParallel(func(pb *testing.PB) {
					for pb.Next() {
						hit(b, f)
					}
				})
			})
		}
	}
}

// hit searches and marks b failed unless the search was a hit (Error, not
// Fatal: RunParallel's goroutines may not stop the benchmark).
func hit(b *testing.B, f *fixture) {
	if _, out, err := f.c.Search(context.Background(), at(nantes), now, f.compute); err != nil || out != f.hit {
		b.Errorf("search = %s, %v; want a hit", out, err)
	}
}
