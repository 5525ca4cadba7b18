package searchcache

import (
	"context"
	"crypto/rand"
	"google.golang.org/protobuf/proto"
	"math"
	"os"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"google.golang.org/protobuf/types/known/timestamppb"

	availabilityv1 "github.com/sas-platform/sas/gen/sas/availability/v1"
	commonv1 "github.com/sas-platform/sas/gen/sas/common/v1"
	directoryv1 "github.com/sas-platform/sas/gen/sas/directory/v1"
	searchv1 "github.com/sas-platform/sas/gen/sas/search/v1"
	"github.com/sas-platform/sas/services/platform/cache"
	"github.com/sas-platform/sas/services/platform/cache/memory"
	"github.com/sas-platform/sas/services/platform/cache/rediscache"
	"github.com/sas-platform/sas/services/search/index"
)

// paris is the time zone of the tests' times.
var paris = func() *time.Location {
	l, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		panic(err)
	}
	return l
}()

// now is the time of the tests' searches: Tuesday 24 November 2026, 10:00:20
// in Paris (not on a minute, which Normalize floors).
var now = time.Date(2026, 11, 24, 10, 0, 20, 0, paris)

// nantes is the centre of Nantes (INSEE 44109), in SAS-44 (10 km radius).
var nantes = index.Point{Lat: 47.23823, Lon: -1.56033}

// east returns the point km kilometres east of nantes.
func east(km float64) index.Point {
	return index.Point{Lat: nantes.Lat, Lon: nantes.Lon + km/(111.195*math.Cos(nantes.Lat*math.Pi/180))}
}

// reference is the embedded reference, loaded once for all tests.
var reference = sync.OnceValues(index.LoadReference)

// newWorld returns an index with six general practitioners p1..p6 at sites
// s1..s6, 0.5 to 3 km east of Nantes, each with a slot an hour from now.
func newWorld(t testing.TB) *index.Index {
	t.Helper()
	ref, err := reference()
	if err != nil {
		t.Fatal(err)
	}
	ix, err := index.New(index.Options{Reference: ref})
	if err != nil {
		t.Fatal(err)
	}
	ix.Apply(func(w *index.Writer) {
		for i := 1; i <= 6; i++ {
			n := strconv.Itoa(i)
			w.PutSite(siteMsg("s"+n, east(0.5*float64(i))))
			w.PutProfessional(proMsg("p"+n, "s"+n))
			w.PutSlot(slotMsg("a"+n, "p"+n, "s"+n, time.Hour))
		}
	})
	return ix
}

func siteMsg(id string, p index.Point) *directoryv1.Site {
	return &directoryv1.Site{Name: "sites/" + id, DisplayName: "Cabinet " + id, Phone: "0240000000",
		Departement: "departements/44", Location: &commonv1.GeoPoint{Latitude: p.Lat, Longitude: p.Lon},
		GeocodePrecision: directoryv1.Site_GEOCODE_PRECISION_COMMUNE,
		Address:          &commonv1.Address{Lines: []string{"1 rue " + id}, PostalCode: "44000", City: "NANTES", InseeCode: "44109"}}
}

func proMsg(id, site string) *directoryv1.Professional {
	return &directoryv1.Professional{Name: "professionals/" + id, NationalId: id, Civility: "MME",
		FamilyName: "Nom" + id, GivenName: "Prénom", Profession: "professions/10", Active: true,
		Activities: []*directoryv1.Activity{{Site: "sites/" + site, Specialty: "specialties/SM54", PracticeMode: "L"}}}
}

// slotMsg returns a published free SNP slot of 15 minutes, in after now.
func slotMsg(id, pro, site string, in time.Duration) *availabilityv1.Slot {
	start := now.Add(in)
	return &availabilityv1.Slot{Name: "slots/" + id, Professional: "professionals/" + pro,
		Place:     &availabilityv1.PracticePlace{Site: "sites/" + site},
		StartTime: timestamppb.New(start), EndTime: timestamppb.New(start.Add(15 * time.Minute)),
		Status: availabilityv1.Slot_STATUS_FREE, Visibility: commonv1.Visibility_VISIBILITY_SNP,
		ConsultationModes: []commonv1.ConsultationMode{commonv1.ConsultationMode_CONSULTATION_MODE_PRACTICE},
		AppointmentType:   commonv1.AppointmentType_APPOINTMENT_TYPE_ROUTINE, Published: true}
}

// at returns a search around p.
func at(p index.Point) *searchv1.SearchSlotsRequest {
	return &searchv1.SearchSlotsRequest{Location: &searchv1.SearchSlotsRequest_Point{
		Point: &commonv1.GeoPoint{Latitude: p.Lat, Longitude: p.Lon}}}
}

// received is res as a client decodes it: a hit keeps its results encoded.
func received(res *searchv1.SearchSlotsResponse) *searchv1.SearchSlotsResponse {
	b, err := proto.Marshal(res)
	if err != nil {
		panic(err)
	}
	out := &searchv1.SearchSlotsResponse{}
	if err := proto.Unmarshal(b, out); err != nil {
		panic(err)
	}
	return out
}

// slotNames returns the names of the slots of res's results.
func slotNames(res *searchv1.SearchSlotsResponse) map[string]bool {
	out := map[string]bool{}
	for _, r := range received(res).GetResults() {
		for _, d := range r.GetDays() {
			for _, s := range d.GetSlots() {
				out[s.GetName()] = true
			}
		}
	}
	return out
}

// wantSlot fails t unless res shows the slot name.
func wantSlot(t testing.TB, res *searchv1.SearchSlotsResponse, name string) {
	t.Helper()
	if !slotNames(res)[name] {
		t.Errorf("slot %s missing from %v", name, slotNames(res))
	}
}

// professionals returns the professionals of res's results.
func professionals(res *searchv1.SearchSlotsResponse) map[string]bool {
	out := map[string]bool{}
	for _, r := range received(res).GetResults() {
		out[r.GetProfessional().GetName()] = true
	}
	return out
}

// backend opens a cache.Cache for one test.
type backend struct {
	name string
	open func(t testing.TB) cache.Cache
}

// backends are the caches every test runs over.
var backends = []backend{
	{"memory", func(testing.TB) cache.Cache { return memory.New(0) }},
	{"redis", newRedis},
}

// forEachBackend runs fn as a subtest over each backend.
func forEachBackend(t *testing.T, fn func(t *testing.T, store cache.Cache)) {
	for _, b := range backends {
		t.Run(b.name, func(t *testing.T) { fn(t, b.open(t)) })
	}
}

// forEachSetup runs fn as a subtest over a fixture of cfg over each
// backend, and over Redis behind the process's own answers, as sasd runs
// it (redis+near).
func forEachSetup(t *testing.T, cfg Config, fn func(t *testing.T, f *fixture)) {
	for _, b := range backends {
		t.Run(b.name, func(t *testing.T) { fn(t, newFixture(t, b.open(t), cfg)) })
	}
	t.Run("redis+near", func(t *testing.T) {
		cfg.Near = DefaultNear
		fn(t, newFixture(t, newRedis(t), cfg))
	})
}

const startHint = `start it with: redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no`

// redisURL returns $SAS_TEST_REDIS_URL or the local default.
func redisURL() string {
	if u := os.Getenv("SAS_TEST_REDIS_URL"); u != "" {
		return u
	}
	return "redis://127.0.0.1:6379/0"
}

// newRedis returns a Redis cache under a fresh prefix, whose keys are
// deleted when t ends. An unreachable Redis fails the test.
func newRedis(t testing.TB) cache.Cache {
	t.Helper()
	prefix := "sastest:searchcache:" + rand.Text()[:12] + ":"
	c, err := rediscache.New(context.Background(), rediscache.Config{URL: redisURL(), Prefix: prefix})
	if err != nil {
		t.Fatalf("Redis unreachable at %s (set SAS_TEST_REDIS_URL to use another): %v\n%s", redisURL(), err, startHint)
	}
	t.Cleanup(func() {
		c.Close()
		deletePrefix(t, prefix)
	})
	return c
}

// deletePrefix deletes every key under prefix with a client of its own.
func deletePrefix(t testing.TB, prefix string) {
	opts, err := redis.ParseURL(redisURL())
	if err != nil {
		t.Fatal(err)
	}
	client := redis.NewClient(opts)
	defer client.Close()
	ctx := context.Background()
	iter := client.Scan(ctx, 0, prefix+"*", 100).Iterator()
	for iter.Next(ctx) {
		if err := client.Del(ctx, iter.Val()).Err(); err != nil {
			t.Errorf("cleanup %s: %v", iter.Val(), err)
		}
	}
	if err := iter.Err(); err != nil {
		t.Errorf("cleanup scan: %v", err)
	}
}

// fixture is a cache in front of an index, counting computations.
type fixture struct {
	t        testing.TB
	ix       *index.Index
	c        *Cache
	computes atomic.Int64
	hit      Outcome // of a search answered again: OutcomeNear with Config.Near
}

// newFixture returns a cache over store in front of a new world; cfg's
// Cache and Now are set, and OpTimeout defaults to seconds: on a loaded
// machine a GET may take longer than the default, which would make the
// outcomes the tests expect bypasses (failures are tested with flaky).
// Near is off unless set: most tests are of the shared cache.
func newFixture(t testing.TB, store cache.Cache, cfg Config) *fixture {
	t.Helper()
	cfg.Cache, cfg.Now = store, func() time.Time { return now }
	if cfg.OpTimeout == 0 {
		cfg.OpTimeout = 5 * time.Second
	}
	hit := OutcomeHit
	if cfg.Near > 0 {
		hit = OutcomeNear
	} else {
		cfg.Near = -1
	}
	c, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return &fixture{t: t, ix: newWorld(t), c: c, hit: hit}
}

// compute is the index's Search, counted.
func (f *fixture) compute(ctx context.Context, req *searchv1.SearchSlotsRequest, at time.Time) (*searchv1.SearchSlotsResponse, error) {
	f.computes.Add(1)
	return f.ix.Search(ctx, req, at)
}

// search searches through the cache and fails the test on an error.
func (f *fixture) search(req *searchv1.SearchSlotsRequest) (*searchv1.SearchSlotsResponse, Outcome) {
	f.t.Helper()
	res, out, err := f.c.Search(context.Background(), req, now, f.compute)
	if err != nil {
		f.t.Fatalf("search %v: %v (%s)", req, err, out)
	}
	return res, out
}

// apply applies fn to the index and invalidates the cells it changed, as
// the feed consumer does.
func (f *fixture) apply(fn func(w *index.Writer)) {
	f.c.Invalidate(context.Background(), f.ix.Apply(fn))
}
