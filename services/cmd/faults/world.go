package main

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/google/uuid"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/types/known/timestamppb"

	accountsv1 "github.com/sas-platform/sas/gen/sas/accounts/v1"
	availabilityv1 "github.com/sas-platform/sas/gen/sas/availability/v1"
	commonv1 "github.com/sas-platform/sas/gen/sas/common/v1"
	directoryv1 "github.com/sas-platform/sas/gen/sas/directory/v1"
	searchv1 "github.com/sas-platform/sas/gen/sas/search/v1"
	"github.com/sas-platform/sas/services/platform/auth"
)

// world is the loaded platform the scenarios share.
type world struct {
	p       *platform
	conn    *grpc.ClientConn
	admin   string
	vendors []vendor
	reg     string
	pros    []pro
	round   atomic.Int64 // makes every scenario's slots new
}

type vendor struct{ name, token string }

type pro struct {
	name string
	at   *commonv1.GeoPoint
}

func newWorld(ctx context.Context, p *platform) (*world, error) {
	conn, err := p.conn()
	if err != nil {
		return nil, err
	}
	w := &world{p: p, conn: conn}
	b, err := p.bootstrap()
	if err != nil {
		return nil, err
	}
	if w.admin, err = signIn(ctx, conn, b.ClientID, b.ClientSecret); err != nil {
		return nil, err
	}
	actx := auth.WithBearer(ctx, w.admin)
	for i := range 5 { // the fifth pushes the slots the search reconciliation checks
		v, err := accountsv1.NewVendorServiceClient(conn).CreateVendor(actx, &accountsv1.CreateVendorRequest{
			VendorId: fmt.Sprintf("faults-%d", i), Vendor: &accountsv1.Vendor{DisplayName: "Faults", Enabled: true, PushRateLimit: 1_000_000}})
		if err != nil {
			return nil, err
		}
		tok, err := signIn(ctx, conn, v.GetVendor().GetClientId(), v.GetClientSecret())
		if err != nil {
			return nil, err
		}
		w.vendors = append(w.vendors, vendor{v.GetVendor().GetName(), tok})
	}
	// Located professionals of territories where SAS runs.
	dir := directoryv1.NewDirectoryServiceClient(conn)
	sites := map[string]*commonv1.GeoPoint{}
	for token := ""; ; {
		resp, err := dir.ListSites(actx, &directoryv1.ListSitesRequest{PageSize: 1000, PageToken: token})
		if err != nil {
			return nil, err
		}
		for _, s := range resp.GetSites() {
			d := s.GetDepartement()
			if s.GetLocation() != nil && s.GetGeocodePrecision() != directoryv1.Site_GEOCODE_PRECISION_NONE &&
				d != "departements/973" && d != "departements/976" {
				sites[s.GetName()] = s.GetLocation()
			}
		}
		if token = resp.GetNextPageToken(); token == "" {
			break
		}
	}
	for token := ""; ; {
		resp, err := dir.ListProfessionals(actx, &directoryv1.ListProfessionalsRequest{PageSize: 1000, PageToken: token,
			Filter: "active = true AND opted_out = false"})
		if err != nil {
			return nil, err
		}
		for _, p := range resp.GetProfessionals() {
			if len(p.GetActivities()) == 1 && sites[p.GetActivities()[0].GetSite()] != nil {
				w.pros = append(w.pros, pro{p.GetName(), sites[p.GetActivities()[0].GetSite()]})
			}
		}
		if token = resp.GetNextPageToken(); token == "" {
			break
		}
	}
	if len(w.pros) == 0 {
		return nil, fmt.Errorf("no located professional in the demo directory")
	}
	if _, err := accountsv1.NewAccountServiceClient(conn).CreateAccount(actx, &accountsv1.CreateAccountRequest{Account: &accountsv1.Account{
		Email: "arm@example.fr", Role: accountsv1.Role_ROLE_ARM, City: "Paris", Departement: "departements/75",
		Territory: "territories/SAS-75", FamilyName: "Durand", GivenName: "Alice"}}); err != nil {
		return nil, err
	}
	if w.reg, err = devSignIn(p, "arm@example.fr"); err != nil {
		return nil, err
	}
	// The directory feed brings the professionals to availability: wait for all.
	deadline := time.Now().Add(3 * time.Minute)
	for {
		acked, _, err := w.pushOnce(ctx, 0, w.batch(0, len(w.pros)-1, 1), uuid.NewString())
		if err == nil && acked == 1 {
			break
		}
		if time.Now().After(deadline) {
			return nil, fmt.Errorf("availability does not know the professionals after 3 minutes: %v", err)
		}
		time.Sleep(500 * time.Millisecond)
	}
	return w, nil
}

// batch returns n slots from professional first on, in a round of its own:
// a new hour for each round, so slots never overlap.
func (w *world) batch(round int64, first, n int) []*availabilityv1.Slot {
	base := time.Now().Add(2 * time.Hour).Truncate(time.Hour).
		Add(time.Duration(round%300)*time.Hour + time.Duration(round/300%3)*20*time.Minute)
	out := make([]*availabilityv1.Slot, 0, n)
	for k := range n {
		p := w.pros[(first+k)%len(w.pros)]
		out = append(out, &availabilityv1.Slot{ExternalId: fmt.Sprintf("r%d-%s", round, p.name[len("professionals/"):]),
			Professional: p.name, StartTime: timestamppb.New(base), EndTime: timestamppb.New(base.Add(20 * time.Minute)),
			Status: availabilityv1.Slot_STATUS_FREE, Visibility: commonv1.Visibility_VISIBILITY_SNP,
			ConsultationModes: []commonv1.ConsultationMode{commonv1.ConsultationMode_CONSULTATION_MODE_PRACTICE}})
	}
	return out
}

// pushOnce sends one batch; acked is what the platform said it stored.
func (w *world) pushOnce(ctx context.Context, v int, slots []*availabilityv1.Slot, requestID string) (acked int, refused int, err error) {
	ctx, cancel := context.WithTimeout(auth.WithBearer(ctx, w.vendors[v].token), 10*time.Second)
	defer cancel()
	resp, err := availabilityv1.NewAvailabilityServiceClient(w.conn).BatchUpsertSlots(ctx, &availabilityv1.BatchUpsertSlotsRequest{
		Parent: w.vendors[v].name, Slots: slots, RequestId: requestID})
	if err != nil {
		return 0, 0, err
	}
	return int(resp.GetStoredCount()), len(resp.GetErrors()), nil
}

// retryable says whether a vendor would retry: the platform was away.
func retryable(err error) bool {
	switch status.Code(err) {
	case codes.Unavailable, codes.DeadlineExceeded, codes.Aborted, codes.ResourceExhausted:
		return true
	}
	return false
}

// pushLoad has the four vendors push batches of 100 slots for d, each batch
// retried with its request id while the platform is away (up to 2 minutes),
// as a vendor's client would. It returns what was acknowledged, by vendor.
type pushStats struct {
	acked             map[int]map[string]bool // vendor → external ids acknowledged
	batches, retries  int
	failed, refused   int
	firstErr, lastErr string
}

func (w *world) pushLoad(ctx context.Context, d time.Duration, during func()) pushStats {
	st := pushStats{acked: map[int]map[string]bool{}}
	var mu sync.Mutex
	end := time.Now().Add(d)
	var wg sync.WaitGroup
	for v := range w.vendors[:4] {
		mu.Lock()
		st.acked[v] = map[string]bool{}
		mu.Unlock()
		wg.Go(func() {
			for time.Now().Before(end) {
				round := w.round.Add(1)
				slots := w.batch(round, int(round*37)%len(w.pros), 100)
				id := uuid.NewString()
				deadline := time.Now().Add(2 * time.Minute)
				for {
					acked, refused, err := w.pushOnce(ctx, v, slots, id)
					mu.Lock()
					if err == nil {
						st.batches++
						st.refused += refused
						if acked == len(slots) {
							for _, s := range slots {
								st.acked[v][s.GetExternalId()] = true
							}
						}
						mu.Unlock()
						break
					}
					if st.firstErr == "" {
						st.firstErr = err.Error()
					}
					st.lastErr = err.Error()
					if !retryable(err) || time.Now().After(deadline) {
						st.failed++
						mu.Unlock()
						break
					}
					st.retries++
					mu.Unlock()
					time.Sleep(200 * time.Millisecond)
				}
			}
		})
	}
	time.Sleep(d / 3)
	during()
	wg.Wait()
	return st
}

// stored lists every external id the platform holds for vendor v.
func (w *world) stored(ctx context.Context, v int) (map[string]bool, error) {
	ctx = auth.WithBearer(ctx, w.vendors[v].token)
	out := map[string]bool{}
	for token := ""; ; {
		resp, err := availabilityv1.NewAvailabilityServiceClient(w.conn).ListSlots(ctx, &availabilityv1.ListSlotsRequest{
			Parent: w.vendors[v].name, PageSize: 1000, PageToken: token})
		if err != nil {
			return nil, err
		}
		for _, s := range resp.GetSlots() {
			out[s.GetExternalId()] = true
		}
		if token = resp.GetNextPageToken(); token == "" {
			return out, nil
		}
	}
}

// reconcile checks that every acknowledged slot is stored.
func (w *world) reconcile(ctx context.Context, st pushStats) (acked, lost int, err error) {
	for v, ids := range st.acked {
		have, err := w.stored(ctx, v)
		if err != nil {
			return 0, 0, err
		}
		for id := range ids {
			acked++
			if !have[id] {
				lost++
			}
		}
	}
	return acked, lost, nil
}

// search runs one regulator's search around professional i.
func (w *world) search(ctx context.Context, i int) (*searchv1.SearchSlotsResponse, error) {
	p := w.pros[i%len(w.pros)]
	ctx, cancel := context.WithTimeout(auth.WithBearer(ctx, w.reg), 5*time.Second)
	defer cancel()
	return searchv1.NewSearchServiceClient(w.conn).SearchSlots(ctx, &searchv1.SearchSlotsRequest{
		Location: &searchv1.SearchSlotsRequest_Point{Point: p.at}, RadiusMeters: int32(5000 + 1000*(i%20)), PageSize: 25})
}

// deleteOnce deletes slots of vendor v by external id.
func (w *world) deleteOnce(ctx context.Context, v int, ids []string) (int, error) {
	ctx = auth.WithBearer(ctx, w.vendors[v].token)
	resp, err := availabilityv1.NewAvailabilityServiceClient(w.conn).BatchDeleteSlots(ctx, &availabilityv1.BatchDeleteSlotsRequest{
		Parent: w.vendors[v].name, ExternalIds: ids})
	return int(resp.GetDeletedCount()), err
}

// searchAt searches 1 km around a professional's site, where it comes first.
func (w *world) searchAt(ctx context.Context, p pro) (*searchv1.SearchSlotsResponse, error) {
	ctx, cancel := context.WithTimeout(auth.WithBearer(ctx, w.reg), 5*time.Second)
	defer cancel()
	return searchv1.NewSearchServiceClient(w.conn).SearchSlots(ctx, &searchv1.SearchSlotsRequest{
		Location: &searchv1.SearchSlotsRequest_Point{Point: p.at}, RadiusMeters: 1000, PageSize: 100})
}
