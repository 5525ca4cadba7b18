package main

import (
	"context"
	"fmt"
	"math/rand/v2"
	"net/http"
	"os"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/timestamppb"

	accountsv1 "github.com/sas-platform/sas/gen/sas/accounts/v1"
	availabilityv1 "github.com/sas-platform/sas/gen/sas/availability/v1"
	commonv1 "github.com/sas-platform/sas/gen/sas/common/v1"
	directoryv1 "github.com/sas-platform/sas/gen/sas/directory/v1"
	searchv1 "github.com/sas-platform/sas/gen/sas/search/v1"
	"github.com/sas-platform/sas/services/cmd/loadgen"
	"github.com/sas-platform/sas/services/platform/auth"
)

// searchWorld is a platform loaded for the search load runs: the directory
// of N synthetic professionals over real communes, slots pushed by four
// vendors, a regulator.
type searchWorld struct {
	p        platform
	dbURL    string
	pushed   []pushedSlot
	regTok   string
	pros     []located
	vendors  []benchVendor
	slots    int
	setup    time.Duration
	nextSlot atomic.Int64
	// bodies are the JSON of the requests of the next run, encoded before
	// it (see encode); written only between runs.
	bodies map[*searchv1.SearchSlotsRequest][]byte
}

// encode keeps the JSON of reqs for the next run: encoding each request as
// it is sent cost the load generator, on the cores it shares with sasd,
// about 10 µs a request (a client's encoding is not sasd's work).
func (w *searchWorld) encode(b *testing.B, reqs ...[]*searchv1.SearchSlotsRequest) {
	w.bodies = map[*searchv1.SearchSlotsRequest][]byte{}
	for _, list := range reqs {
		for _, req := range list {
			body, err := protojson.Marshal(req)
			if err != nil {
				b.Fatal(err)
			}
			w.bodies[req] = body
		}
	}
}

type located struct {
	name, site, profession string
	lat, lon               float64
}

type pushedSlot struct {
	professional string
	start        time.Time
}

type benchVendor struct{ name, token, clientID, secret string }

// refresh signs everyone in again: access tokens live 15 minutes, less
// than the national dataset's set-up and runs.
func (w *searchWorld) refresh(b *testing.B) {
	var st int
	if w.regTok, st = devSignIn(b, w.p, "arm@example.fr"); st != 200 {
		b.Fatalf("regulator sign-in: %d %s", st, w.regTok)
	}
	for i, v := range w.vendors {
		tok, err := accountsv1.NewAuthServiceClient(w.p.anon).IssueToken(context.Background(), &accountsv1.IssueTokenRequest{Grant: &accountsv1.IssueTokenRequest_ClientCredentials{
			ClientCredentials: &accountsv1.ClientCredentials{ClientId: v.clientID, ClientSecret: v.secret}}})
		if err != nil {
			b.Fatal(err)
		}
		w.vendors[i].token = tok.GetAccessToken()
	}
}

// discardAnswers is the gRPC codec of the load runs' searches: it encodes
// requests and reads answers without decoding them, as the REST runs read
// theirs without parsing the JSON, so that the load generator, which shares
// the cores with sasd, spends them on neither.
type discardAnswers struct{}

func (discardAnswers) Marshal(v any) ([]byte, error) { return proto.Marshal(v.(proto.Message)) }
func (discardAnswers) Unmarshal([]byte, any) error   { return nil }
func (discardAnswers) Name() string                  { return "proto" }

// worldSize is the national dataset with SAS_BENCH_FULL=1 (400,000
// professionals, 120,000 sites, 1,500,000 slots), else a tenth of it.
func worldSize() (pros, slots int) {
	pros, slots = 40_000, 150_000
	if os.Getenv("SAS_BENCH_FULL") == "1" {
		pros, slots = 400_000, 1_500_000
	}
	if n, err := strconv.Atoi(os.Getenv("SAS_BENCH_PROFESSIONALS")); err == nil && n > 0 {
		pros, slots = n, n*15/4
	}
	return pros, slots
}

// newSearchWorld starts sasd on PostgreSQL and Redis and loads it.
func newSearchWorld(b *testing.B) *searchWorld {
	nPros, nSlots := worldSize()
	t0 := time.Now()
	p, dbURL := startPostgres(b, "-demo-professionals", strconv.Itoa(nPros))
	ctx := context.Background()
	w := &searchWorld{p: p, dbURL: dbURL}
	b.Logf("directory of %d professionals imported in %s", nPros, time.Since(t0).Round(time.Second))

	sites := map[string]*commonv1.GeoPoint{}
	dir := directoryClient(p.conn)
	for token := ""; ; {
		resp, err := dir.ListSites(ctx, &directoryv1.ListSitesRequest{PageSize: 1000, PageToken: token})
		if err != nil {
			b.Fatal(err)
		}
		for _, s := range resp.GetSites() {
			// SAS does not run in Guyane and Mayotte yet: searches there are refused.
			if d := s.GetDepartement(); d == "departements/973" || d == "departements/976" {
				continue
			}
			if s.GetLocation() != nil && s.GetGeocodePrecision() != directoryv1.Site_GEOCODE_PRECISION_NONE {
				sites[s.GetName()] = s.GetLocation()
			}
		}
		if token = resp.GetNextPageToken(); token == "" {
			break
		}
	}
	for token := ""; ; {
		resp, err := dir.ListProfessionals(ctx, &directoryv1.ListProfessionalsRequest{PageSize: 1000, PageToken: token,
			Filter: "active = true AND opted_out = false"})
		if err != nil {
			b.Fatal(err)
		}
		for _, pro := range resp.GetProfessionals() {
			// Slots pushed without a place go to the professional's only
			// site: professionals of several sites are left out.
			if len(pro.GetActivities()) != 1 {
				continue
			}
			for _, a := range pro.GetActivities() {
				if loc := sites[a.GetSite()]; loc != nil {
					w.pros = append(w.pros, located{name: pro.GetName(), site: a.GetSite(),
						profession: strings.TrimPrefix(pro.GetProfession(), "professions/"), lat: loc.GetLatitude(), lon: loc.GetLongitude()})
					break
				}
			}
		}
		if token = resp.GetNextPageToken(); token == "" {
			break
		}
	}
	b.Logf("%d sites located, %d professionals with a located site", len(sites), len(w.pros))

	for i := range 5 { // the fifth pushes the freshness probes alone
		v, err := accountsv1.NewVendorServiceClient(p.conn).CreateVendor(ctx, &accountsv1.CreateVendorRequest{
			VendorId: fmt.Sprintf("bench-%d", i), Vendor: &accountsv1.Vendor{DisplayName: "Bench", Enabled: true, PushRateLimit: 1_000_000}})
		if err != nil {
			b.Fatal(err)
		}
		tok, err := accountsv1.NewAuthServiceClient(p.anon).IssueToken(ctx, &accountsv1.IssueTokenRequest{Grant: &accountsv1.IssueTokenRequest_ClientCredentials{
			ClientCredentials: &accountsv1.ClientCredentials{ClientId: v.GetVendor().GetClientId(), ClientSecret: v.GetClientSecret()}}})
		if err != nil {
			b.Fatal(err)
		}
		w.vendors = append(w.vendors, benchVendor{v.GetVendor().GetName(), tok.GetAccessToken(), v.GetVendor().GetClientId(), v.GetClientSecret()})
	}
	if _, err := accountsv1.NewAccountServiceClient(p.conn).CreateAccount(ctx, &accountsv1.CreateAccountRequest{Account: &accountsv1.Account{
		Email: "arm@example.fr", Role: accountsv1.Role_ROLE_ARM, City: "Paris", Departement: "departements/75",
		Territory: "territories/SAS-75", FamilyName: "Durand", GivenName: "Alice"}}); err != nil {
		b.Fatal(err)
	}
	var st int
	if w.regTok, st = devSignIn(b, p, "arm@example.fr"); st != 200 {
		b.Fatalf("regulator sign-in: %d %s", st, w.regTok)
	}

	// Wait for availability to know the last professional, then push.
	w.waitKnown(b, w.pros[len(w.pros)-1])
	t1 := time.Now()
	w.pushSlots(b, nSlots)
	b.Logf("%d slots pushed in %s (%.0f/s, gRPC, 4 vendors)", w.slots, time.Since(t1).Round(time.Millisecond),
		float64(w.slots)/time.Since(t1).Seconds())
	// Search has caught up when it finds a slot pushed after all the others.
	w.refresh(b)
	t2 := time.Now()
	w.freshness(b, 1)
	b.Logf("search caught up %s after the last push", time.Since(t2).Round(time.Millisecond))
	w.setup = time.Since(t0)
	return w
}

// slotAt is the k-th slot of professional pro: 20 minutes, on a grid of
// 30 minutes over the next days, owned by vendor k%4.
func (w *searchWorld) slotAt(pro located, k int, start time.Time) *availabilityv1.Slot {
	begin := start.Add(time.Duration(k) * 30 * time.Minute)
	return &availabilityv1.Slot{ExternalId: pro.name[len("professionals/"):] + "-" + strconv.Itoa(k), Professional: pro.name,
		StartTime: timestamppb.New(begin), EndTime: timestamppb.New(begin.Add(20 * time.Minute)),
		Status: availabilityv1.Slot_STATUS_FREE, Visibility: commonv1.Visibility_VISIBILITY_SNP,
		ConsultationModes: []commonv1.ConsultationMode{commonv1.ConsultationMode_CONSULTATION_MODE_PRACTICE}}
}

// waitKnown waits until availability accepts a slot of pro (the directory
// feed has brought it in).
func (w *searchWorld) waitKnown(b *testing.B, pro located) {
	client := availabilityv1.NewAvailabilityServiceClient(w.p.anon)
	v := w.vendors[0]
	ctx := auth.WithBearer(context.Background(), v.token)
	deadline := time.Now().Add(5 * time.Minute)
	for {
		resp, err := client.BatchUpsertSlots(ctx, &availabilityv1.BatchUpsertSlotsRequest{Parent: v.name,
			Slots: []*availabilityv1.Slot{w.slotAt(pro, 101, time.Now().Add(time.Hour).Truncate(time.Hour))}})
		if err != nil {
			b.Fatal(err)
		}
		if resp.GetStoredCount() == 1 {
			return
		}
		if time.Now().After(deadline) {
			b.Fatalf("availability does not know %s after 5 minutes: %v", pro.name, resp.GetErrors())
		}
		time.Sleep(time.Second)
	}
}

// pushSlots spreads n slots over the professionals, the next 72 hours
// first, through the four vendors at once, in batches of 500.
func (w *searchWorld) pushSlots(b *testing.B, n int) {
	client := availabilityv1.NewAvailabilityServiceClient(w.p.anon)
	start := time.Now().Add(time.Hour).Truncate(time.Hour)
	perPro := (n + len(w.pros) - 1) / len(w.pros)
	jobs := make(chan []*availabilityv1.Slot, 8)
	var pushed atomic.Int64
	var wg sync.WaitGroup
	for _, v := range w.vendors[:4] {
		wg.Go(func() {
			ctx := auth.WithBearer(context.Background(), v.token)
			for batch := range jobs {
				resp, err := client.BatchUpsertSlots(ctx, &availabilityv1.BatchUpsertSlotsRequest{Parent: v.name, Slots: batch})
				if err != nil || len(resp.GetErrors()) > 0 {
					b.Errorf("push: %v %v", err, resp.GetErrors()[:min(1, len(resp.GetErrors()))])
					continue
				}
				pushed.Add(int64(resp.GetStoredCount()))
			}
		})
	}
	batch := make([]*availabilityv1.Slot, 0, 500)
	count := 0
	for k := 0; k < perPro && count < n; k++ {
		for i, pro := range w.pros {
			if count == n {
				break
			}
			// Professionals start at different hours, so that every window finds some.
			slot := w.slotAt(pro, k*3, start.Add(time.Duration(i%48)*time.Hour))
			batch = append(batch, slot)
			w.pushed = append(w.pushed, pushedSlot{pro.name, slot.GetStartTime().AsTime()})
			count++
			if len(batch) == 500 {
				jobs <- batch
				batch = make([]*availabilityv1.Slot, 0, 500)
			}
		}
	}
	if len(batch) > 0 {
		jobs <- batch
	}
	close(jobs)
	wg.Wait()
	w.slots = int(pushed.Load())
}

// query is a search of the mix: a point drawn among the sites (placed by
// commune population), moved by up to 2 km, radius 5 to 30 km, window
// 4, 24 or 48 hours, half with a profession filter.
func (w *searchWorld) query(r *rand.Rand) *searchv1.SearchSlotsRequest {
	pro := w.pros[r.IntN(len(w.pros))]
	now := time.Now()
	hours := []int{4, 24, 48}[r.IntN(3)]
	req := &searchv1.SearchSlotsRequest{
		Location: &searchv1.SearchSlotsRequest_Point{Point: &commonv1.GeoPoint{
			Latitude: pro.lat + (r.Float64()-0.5)*0.036, Longitude: pro.lon + (r.Float64()-0.5)*0.05}},
		RadiusMeters: int32(5000 + r.IntN(26)*1000),
		Window:       &commonv1.TimeRange{StartTime: timestamppb.New(now), EndTime: timestamppb.New(now.Add(time.Duration(hours) * time.Hour))},
	}
	if r.IntN(2) == 0 {
		req.Professions = []string{"10"}
	}
	return req
}

// mix returns the 80 %-hit mix of a load run: four requests in five ask
// the warm queries again, warmed first (the cache keeps an answer for its
// minute only), and the fifth a query never asked before, so that every run
// has the same share of misses whatever ran before it.
func (w *searchWorld) mix(b *testing.B, client *rawClient, warm []*searchv1.SearchSlotsRequest, r *rand.Rand) func(i int) *searchv1.SearchSlotsRequest {
	// Enough for 10,000 requests a second.
	fresh := make([]*searchv1.SearchSlotsRequest, int(2000*loadDuration().Seconds()))
	for i := range fresh {
		fresh[i] = w.query(r)
	}
	w.encode(b, warm, fresh)
	for _, q := range warm {
		_ = w.restSearch(client, q)
	}
	return func(i int) *searchv1.SearchSlotsRequest {
		if i%5 == 4 {
			return fresh[(i/5)%len(fresh)]
		}
		return warm[i%len(warm)]
	}
}

// withinMinute waits for the next minute when less than d and 2 s are left
// of this one, so that a run of d that starts now ends within it.
func withinMinute(d time.Duration) {
	if left := time.Until(time.Now().Truncate(time.Minute).Add(time.Minute)); left < d+2*time.Second {
		time.Sleep(left + 100*time.Millisecond)
	}
}

// restSearch posts req as JSON.
func (w *searchWorld) restSearch(client *rawClient, req *searchv1.SearchSlotsRequest) error {
	body, ok := w.bodies[req]
	if !ok {
		var err error
		if body, err = protojson.Marshal(req); err != nil {
			return err
		}
	}
	status, msg, err := client.post("/v1/slots:search", w.regTok, body)
	if err != nil {
		return err
	}
	if status != http.StatusOK {
		return fmt.Errorf("status %d: %s", status, msg)
	}
	return nil
}

// freshness pushes a new slot n times and measures how long until search
// shows it, from the push's acknowledgement.
func (w *searchWorld) freshness(b *testing.B, n int) []time.Duration {
	push := availabilityv1.NewAvailabilityServiceClient(w.p.anon)
	search := searchv1.NewSearchServiceClient(w.p.anon)
	reg := auth.WithBearer(context.Background(), w.regTok)
	v := w.vendors[4]
	vctx := auth.WithBearer(context.Background(), v.token)
	r := rand.New(rand.NewPCG(7, uint64(time.Now().UnixNano())))
	var out []time.Duration
	for range n {
		pro := w.pros[r.IntN(len(w.pros))]
		k := 2000 + int(w.nextSlot.Add(1))
		slot := w.slotAt(pro, k%200, time.Now().Add(20*time.Minute).Truncate(time.Minute))
		slot.ExternalId = fmt.Sprintf("fresh-%d", k)
		// Each probe its own 5 minutes, so that two on one professional never overlap.
		slot.StartTime = timestamppb.New(time.Now().Add(time.Duration(10+6*(k%400)) * time.Minute).Truncate(time.Second))
		slot.EndTime = timestamppb.New(slot.StartTime.AsTime().Add(5 * time.Minute))
		resp, err := push.BatchUpsertSlots(vctx, &availabilityv1.BatchUpsertSlotsRequest{Parent: v.name, Slots: []*availabilityv1.Slot{slot}})
		if err != nil || resp.GetStoredCount() != 1 {
			b.Fatalf("push: %v %v", err, resp.GetErrors())
		}
		acked := time.Now()
		// Only this vendor's slots: in a dense city more than a page of
		// participants may stand within 1 km of the professional.
		req := &searchv1.SearchSlotsRequest{Location: &searchv1.SearchSlotsRequest_Point{Point: &commonv1.GeoPoint{Latitude: pro.lat, Longitude: pro.lon}},
			RadiusMeters: 1000, PageSize: 100, Vendors: []string{v.name}}
		for {
			res, err := search.SearchSlots(reg, req)
			if err != nil && status.Code(err) != codes.Unavailable {
				b.Fatal(err)
			}
			if hasSlot(res, slot.GetStartTime().AsTime(), pro.name) {
				break
			}
			if time.Since(acked) > 5*time.Minute {
				b.Fatalf("pushed slot of %s not in search after 5 minutes", pro.name)
			}
			time.Sleep(10 * time.Millisecond)
		}
		out = append(out, time.Since(acked))
	}
	return out
}

func hasSlot(res *searchv1.SearchSlotsResponse, start time.Time, pro string) bool {
	for _, r := range append([]*searchv1.SearchResult{res.GetPatientDoctor()}, res.GetResults()...) {
		if r.GetProfessional().GetName() != pro {
			continue
		}
		for _, d := range r.GetDays() {
			for _, s := range d.GetSlots() {
				if s.GetStartTime().AsTime().Equal(start) {
					return true
				}
			}
		}
	}
	return false
}

// BenchmarkSearchLoad runs the search load runs of issue 6 on one loaded
// platform (sasd on PostgreSQL and Redis; the load generator shares the
// machine's 2 cores with it): cache misses and hits through REST at a fixed
// rate, the 80 %-hit throughput through gRPC and REST, overload at twice the
// saturation rate, and freshness from an acknowledged push to search.
func BenchmarkSearchLoad(b *testing.B) {
	w := newSearchWorld(b)
	b.Logf("set-up: %s", w.setup.Round(time.Second))
	proc := w.p.proc
	heap := os.DevNull
	if prefix := os.Getenv("SAS_BENCH_CPUPROFILE"); prefix != "" {
		heap = prefix + "-heap.pprof"
	}
	if err := proc.save(proc.debug+"/debug/pprof/heap?gc=1", heap); err != nil { // collects first
		b.Fatal(err)
	}
	u := proc.usage(b)
	b.Logf("sasd's heap after set-up: %d MB live, %d objects", u.heap>>20, u.objects)
	w.refresh(b)
	rate := 500.0
	client := newRawClient(w.p.rest, 1024)
	grpcSearch := searchv1.NewSearchServiceClient(w.p.anon)
	reg := auth.WithBearer(context.Background(), w.regTok)
	for b.Loop() {
		r := rand.New(rand.NewPCG(1, 2))
		// Misses: every query new (a point, a radius and a minute of its own).
		queries := make([]*searchv1.SearchSlotsRequest, int(rate*loadDuration().Seconds())+100)
		for i := range queries {
			queries[i] = w.query(r)
		}
		w.encode(b, queries)
		wait, cost := proc.profile(b, "miss", loadDuration()), proc.cost(b)
		miss := loadgen.Run(context.Background(), loadgen.Config{Rate: rate, Duration: loadDuration()}, func(_ context.Context, i int) error {
			return w.restSearch(client, queries[i%len(queries)])
		})
		wait()
		b.Logf("REST cache miss at %.0f/s: %s", rate, miss)
		b.Logf("  %s", cost(miss.Sent))
		// Hits: 200 queries asked again and again, within one minute (the
		// cache keys carry it: at the next, each query misses once).
		warm := queries[:200]
		withinMinute(loadDuration())
		for _, q := range warm {
			_ = w.restSearch(client, q)
		}
		wait, cost = proc.profile(b, "hit", loadDuration()), proc.cost(b)
		hit := loadgen.Run(context.Background(), loadgen.Config{Rate: rate, Duration: loadDuration()}, func(_ context.Context, i int) error {
			return w.restSearch(client, warm[i%len(warm)])
		})
		wait()
		b.Logf("REST cache hit at %.0f/s: %s", rate, hit)
		b.Logf("  %s", cost(hit.Sent))
		// The same with a collection of sasd's heap (the read model)
		// started halfway: a run of 10 s sees one or none, by chance.
		withinMinute(loadDuration())
		for _, q := range warm {
			_ = w.restSearch(client, q)
		}
		cost = proc.cost(b)
		collect := time.AfterFunc(loadDuration()/2, func() {
			if err := proc.save(proc.debug+"/debug/pprof/heap?gc=1", os.DevNull); err != nil {
				b.Error(err)
			}
		})
		hitGC := loadgen.Run(context.Background(), loadgen.Config{Rate: rate, Duration: loadDuration()}, func(_ context.Context, i int) error {
			return w.restSearch(client, warm[i%len(warm)])
		})
		collect.Stop()
		b.Logf("REST cache hit at %.0f/s, a collection started halfway: %s", rate, hitGC)
		b.Logf("  %s", cost(hitGC.Sent))
		// Throughput at 80 % hits, closed loop.
		mixed := w.mix(b, client, warm, r)
		wait, cost = proc.profile(b, "grpc", loadDuration()), proc.cost(b)
		g := loadgen.Run(context.Background(), loadgen.Config{Workers: 32, Duration: loadDuration()}, func(_ context.Context, i int) error {
			_, err := grpcSearch.SearchSlots(reg, mixed(i), grpc.ForceCodec(discardAnswers{}))
			return err
		})
		wait()
		b.Logf("gRPC 80%% hits, 32 callers: %s", g)
		b.Logf("  %s", cost(g.Sent))
		mixed = w.mix(b, client, warm, r)
		wait, cost = proc.profile(b, "rest", loadDuration()), proc.cost(b)
		rest := loadgen.Run(context.Background(), loadgen.Config{Workers: 32, Duration: loadDuration()}, func(_ context.Context, i int) error {
			return w.restSearch(client, mixed(i))
		})
		wait()
		b.Logf("REST 80%% hits, 32 callers: %s (%.0f%% of gRPC)", rest, 100*rest.Throughput()/g.Throughput())
		b.Logf("  %s", cost(rest.Sent))
		// Overload: twice the REST saturation rate, open loop. The
		// saturation rate of this shared machine moves by 15 % from one
		// run to the next, so each overload run is compared with a
		// saturation run just before it, in three pairs of half runs; the
		// median of the three goodputs is the figure.
		var goodputs []float64
		for k := range 3 {
			mixed = w.mix(b, client, warm, r)
			sat := loadgen.Run(context.Background(), loadgen.Config{Workers: 32, Duration: loadDuration() / 2}, func(_ context.Context, i int) error {
				return w.restSearch(client, mixed(i))
			})
			mixed = w.mix(b, client, warm, r)
			wait, cost = func() {}, proc.cost(b)
			if k == 0 {
				wait = proc.profile(b, "overload", loadDuration()/2)
			}
			over := loadgen.Run(context.Background(), loadgen.Config{Rate: 2 * sat.Throughput(), Workers: 512, Duration: loadDuration() / 2}, func(_ context.Context, i int) error {
				return w.restSearch(client, mixed(i))
			})
			wait()
			goodputs = append(goodputs, 100*over.Throughput()/sat.Throughput())
			b.Logf("overload pair %d: saturation %.0f/s; at twice that: %s, goodput %.0f%%", k+1, sat.Throughput(), over, goodputs[k])
			b.Logf("  %s", cost(over.Sent))
			for msg, n := range over.Errors {
				b.Logf("  %d× %.100s", n, msg)
			}
		}
		slices.Sort(goodputs)
		b.Logf("overload goodput, median of 3 pairs: %.0f%% (%.0f–%.0f%%)", goodputs[1], goodputs[0], goodputs[2])
		fresh := w.freshness(b, 50)
		sort.Slice(fresh, func(i, j int) bool { return fresh[i] < fresh[j] })
		b.Logf("freshness, push acknowledged → in search results (50 pushes): p50 %s p99 %s max %s",
			fresh[len(fresh)/2].Round(time.Millisecond), fresh[len(fresh)*99/100].Round(time.Millisecond), slices.Max(fresh).Round(time.Millisecond))

		// The same searches as single PostGIS queries over the same data.
		gis := loadPostGIS(b, w.dbURL, w)
		gisP50, gisP99 := gis.time(b, queries[:min(2000, len(queries))])
		b.Logf("PostGIS, same mix, one query at a time: p50 %s p99 %s (platform REST miss p50 %s: %.1f×; hit p50 %s)",
			gisP50.Round(time.Microsecond), gisP99.Round(time.Microsecond), miss.P50.Round(time.Microsecond),
			float64(miss.P50)/float64(gisP50), hit.P50.Round(time.Microsecond))
		paris := parisQueries(r, w, 300)
		parisP50, parisP99 := gis.time(b, paris)
		var parisLat []time.Duration
		for _, q := range paris {
			t0 := time.Now()
			if err := w.restSearch(client, q); err != nil {
				b.Fatal(err)
			}
			parisLat = append(parisLat, time.Since(t0))
		}
		slices.Sort(parisLat)
		b.Logf("Paris 10 km, one at a time: PostGIS p50 %s p99 %s; platform REST miss p50 %s p99 %s",
			parisP50.Round(time.Microsecond), parisP99.Round(time.Microsecond),
			parisLat[len(parisLat)/2].Round(time.Microsecond), parisLat[len(parisLat)*99/100].Round(time.Microsecond))
		b.ReportMetric(float64(gisP50)/1e6, "postgis-p50-ms")

		b.ReportMetric(float64(miss.P50)/1e6, "miss-p50-ms")
		b.ReportMetric(float64(miss.P99)/1e6, "miss-p99-ms")
		b.ReportMetric(float64(hit.P50)/1e6, "hit-p50-ms")
		b.ReportMetric(float64(hit.P99)/1e6, "hit-p99-ms")
		b.ReportMetric(g.Throughput(), "grpc-req/s")
		b.ReportMetric(rest.Throughput(), "rest-req/s")
		b.ReportMetric(goodputs[1], "overload-goodput-%")
		b.ReportMetric(float64(fresh[len(fresh)*99/100])/1e6, "fresh-p99-ms")
	}
}
