package index

import (
	"context"
	"fmt"
	"os"
	"runtime"
	"slices"
	"sync"
	"syscall"
	"testing"
	"time"

	commonv1 "github.com/sas-platform/sas/gen/sas/common/v1"
	searchv1 "github.com/sas-platform/sas/gen/sas/search/v1"
)

// benchIndex is the index of the benchmarks: a tenth of France by default,
// all of it with SAS_BENCH_FULL=1 (some 30 s to build, and memory).
type benchIndex struct {
	x       *Index
	s       *synth
	build   time.Duration
	heap    uint64
	entries int
	items   int
	dense   bool // densify ran
}

var benchOnce = sync.OnceValues(func() (*benchIndex, error) {
	ref, err := LoadReference()
	if err != nil {
		return nil, err
	}
	size := fullNational.scaled(10)
	if os.Getenv("SAS_BENCH_FULL") == "1" {
		size = fullNational
	}
	x, err := New(Options{Reference: ref})
	if err != nil {
		return nil, err
	}
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	start := time.Now()
	s := newSynth(ref, size, 1)
	s.feed(x)
	bi := &benchIndex{x: x, s: s, build: time.Since(start)}
	runtime.GC()
	runtime.ReadMemStats(&after)
	bi.heap = after.HeapAlloc - before.HeapAlloc
	bi.entries, bi.items = x.Len()
	return bi, nil
})

func benchSetup(b *testing.B) *benchIndex {
	b.Helper()
	bi, err := benchOnce()
	if err != nil {
		b.Fatal(err)
	}
	return bi
}

// mix draws the benchmark's searches: points by population, radius 5 to
// 30 km, windows of 4, 24 or 48 hours, half with a profession.
func (bi *benchIndex) mix(n int) []*searchv1.SearchSlotsRequest {
	r := bi.s.rng
	out := make([]*searchv1.SearchSlotsRequest, n)
	for i := range out {
		c := bi.s.commune()
		for !bi.x.ref.territories[c.departement].active {
			c = bi.s.commune()
		}
		req := &searchv1.SearchSlotsRequest{Location: atPoint(bi.s.near(c)), RadiusMeters: int32(5_000 + r.IntN(26)*1_000),
			Window: &commonv1.TimeRange{StartTime: ts(now.Unix()),
				EndTime: ts(now.Unix() + int64([]int{4, 24, 48}[r.IntN(3)])*3600)}}
		if r.IntN(2) == 0 {
			weights := make([]float64, len(professions))
			for j, p := range professions {
				weights[j] = p.weight
			}
			req.Professions = []string{professions[bi.s.pick(weights)].code}
		}
		out[i] = req
	}
	return out
}

// run searches reqs in turn and reports latency percentiles.
func (bi *benchIndex) run(b *testing.B, reqs []*searchv1.SearchSlotsRequest) {
	ctx := context.Background()
	var lat []time.Duration
	found := 0
	i := 0
	for b.Loop() {
		start := time.Now()
		res, err := bi.x.Search(ctx, reqs[i%len(reqs)], now)
		lat = append(lat, time.Since(start))
		if err != nil {
			b.Fatal(err)
		}
		found += int(res.TotalSize)
		i++
	}
	slices.Sort(lat)
	ms := func(q float64) float64 { return float64(lat[int(q*float64(len(lat)-1))]) / 1e6 }
	b.ReportMetric(ms(0.5), "p50-ms")
	b.ReportMetric(ms(0.99), "p99-ms")
	b.ReportMetric(float64(found)/float64(len(lat)), "found/op")
}

func BenchmarkSearch(b *testing.B) {
	bi := benchSetup(b)
	paris := atPoint(Point{48.8566, 2.3522})
	near := 0
	for _, p := range bi.s.points {
		if Distance(p, Point{48.8566, 2.3522}) <= 10_000 {
			near++
		}
	}
	b.Logf("index of %d professionals, %d sites (%d within 10 km of Paris), %d slots: built in %v, heap %d MB, %d entries, %d items",
		bi.s.size.professionals, bi.s.size.sites, near, bi.s.size.slots, bi.build.Round(time.Millisecond), bi.heap>>20, bi.entries, bi.items)
	b.Run("mix", func(b *testing.B) {
		bi.run(b, bi.mix(5_000))
		b.ReportMetric(bi.build.Seconds(), "build-s")
		b.ReportMetric(float64(bi.heap>>20), "heap-MB")
	})
	b.Run("mix-with-feed", func(b *testing.B) {
		stop := bi.feedInBackground()
		defer stop()
		bi.run(b, bi.mix(5_000))
	})
	b.Run("paris-10km", func(b *testing.B) {
		bi.run(b, []*searchv1.SearchSlotsRequest{{Location: paris, RadiusMeters: 10_000}})
	})
	b.Run("paris-10km-gp-4h", func(b *testing.B) {
		bi.run(b, []*searchv1.SearchSlotsRequest{{Location: paris, RadiusMeters: 10_000, Specialties: []string{"SM54"},
			AvailableWithin: searchv1.AvailableWithin_AVAILABLE_WITHIN_0_4_HOURS}})
	})
	b.Run("paris-10km-page-4", func(b *testing.B) {
		first, err := bi.x.Search(context.Background(), &searchv1.SearchSlotsRequest{Location: paris, RadiusMeters: 10_000, PageSize: 75}, now)
		if err != nil {
			b.Fatal(err)
		}
		bi.run(b, []*searchv1.SearchSlotsRequest{{Location: paris, RadiusMeters: 10_000, PageSize: 25, PageToken: first.NextPageToken}})
	})
	b.Run("postal-75015", func(b *testing.B) {
		bi.run(b, []*searchv1.SearchSlotsRequest{{Location: &searchv1.SearchSlotsRequest_PostalCode{PostalCode: "75015"}, ShuffleSeed: 1}})
	})
	b.Run("departement-33", func(b *testing.B) {
		bi.run(b, []*searchv1.SearchSlotsRequest{{Location: &searchv1.SearchSlotsRequest_Departement{Departement: "departements/33"}, ShuffleSeed: 1}})
	})
	b.Run("rural-enlarged", func(b *testing.B) {
		bi.run(b, []*searchv1.SearchSlotsRequest{{Location: &searchv1.SearchSlotsRequest_InseeCode{InseeCode: "48095"},
			Professions: []string{"50"}, Specialties: []string{"SM99"}}})
	})
	// Last, as it adds to the index: Paris as dense as the real directory
	// has it, some 30,000 sites within 10 km (a quarter of them at full size).
	b.Run("paris-10km-dense", func(b *testing.B) {
		bi.densify(Point{48.8566, 2.3522}, 10_000, 30_000*bi.s.size.sites/fullNational.sites-near)
		bi.run(b, []*searchv1.SearchSlotsRequest{{Location: paris, RadiusMeters: 10_000}})
	})
}

// densify adds n sites within radius of p, with professionals and slots in
// the proportions of the national dataset.
func (bi *benchIndex) densify(p Point, radius float64, n int) {
	if n <= 0 || bi.dense {
		return
	}
	bi.dense = true
	s, r := bi.s, bi.s.rng
	first, pros := len(s.points), s.size.professionals
	bi.x.Apply(func(w *Writer) {
		for i := range n {
			q := Point{p.Lat + (r.Float64()*2-1)*degrees(radius/earthRadius), p.Lon + (r.Float64()*2-1)*degrees(radius/earthRadius)/0.66}
			s.points = append(s.points, q)
			w.PutSite(s.site(first+i, q))
		}
		s.size.sites = len(s.points)
		for i := range n * 10 / 3 {
			pro := s.professional(pros + i)
			pro.Activities = pro.Activities[:1]
			pro.Activities[0].Site = fmt.Sprintf("sites/%d", first+i%n)
			w.PutProfessional(pro)
			if i%3 == 0 {
				for j := range 11 {
					w.PutSlot(s.slot(20_000_000+i*11+j, pros+i))
				}
			}
		}
	})
}

// feedInBackground applies ten slot changes every millisecond until stopped,
// as a busy availability feed would.
func (bi *benchIndex) feedInBackground() (stop func()) {
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		tick := time.NewTicker(time.Millisecond)
		defer tick.Stop()
		for i := 0; ; i++ {
			select {
			case <-done:
				return
			case <-tick.C:
			}
			bi.x.Apply(func(w *Writer) {
				for j := range 10 {
					n := (i*10 + j) % 100_000
					w.PutSlot(bi.s.slot(n, (n%(bi.s.size.professionals/3))*3))
				}
			})
		}
	})
	return func() { close(done); wg.Wait() }
}

// BenchmarkApply measures one slot change applied while the index is full.
func BenchmarkApply(b *testing.B) {
	bi := benchSetup(b)
	i := 0
	for b.Loop() {
		bi.x.PutSlot(bi.s.slot(10_000_000+i%1000, (i%1000)*3))
		i++
	}
}

// BenchmarkCollect measures one full collection of the national read model:
// its wall time with the machine otherwise idle, and the CPU it takes from
// searches. Every collection marks the whole model, so this is what a
// collection costs sasd under load, however often allocations start one.
func BenchmarkCollect(b *testing.B) {
	bi := benchSetup(b)
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	var cpu time.Duration
	for b.Loop() {
		before := processCPU(b)
		runtime.GC()
		cpu += processCPU(b) - before
	}
	runtime.KeepAlive(bi)
	b.ReportMetric(float64(cpu.Microseconds())/1e3/float64(b.N), "cpu-ms/collection")
	b.ReportMetric(float64(ms.HeapAlloc>>20), "heap-MB")
	b.ReportMetric(float64(ms.HeapObjects)/1e6, "heap-Mobjects")
}

// processCPU returns the CPU time the process has used, user and system.
func processCPU(b *testing.B) time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		b.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
