package main

import (
	"context"
	"strconv"
	"strings"
	"testing"
	"time"

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

// TestSearchFreshness runs a regulator's search end to end, on both store
// and cache configurations: a vendor's pushed slot reaches search through the
// availability feed, a repeated search is answered the same (from the cache),
// an opt-out in the directory takes the professional out of the answers and
// opting in brings it back, REST answers as gRPC does, a professional may not
// search, and the search is audited without patient data.
func TestSearchFreshness(t *testing.T) {
	for name, args := range configurations(t) {
		t.Run(name, func(t *testing.T) {
			p := start(t, append(args(t), "-demo-professionals", "300")...)
			searchFreshness(t, p)
		})
	}
}

func searchFreshness(t *testing.T, p platform) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	dir := directoryClient(p.conn)
	// A located professional of the demo directory, and its site.
	var pro *directoryv1.Professional
	var site *directoryv1.Site
	list, err := dir.ListProfessionals(ctx, &directoryv1.ListProfessionalsRequest{PageSize: 100, Filter: "active = true"})
	if err != nil {
		t.Fatal(err)
	}
	for _, cand := range list.GetProfessionals() {
		if cand.GetOptedOut() || len(cand.GetActivities()) != 1 {
			continue
		}
		s, err := dir.GetSite(ctx, &directoryv1.GetSiteRequest{Name: cand.GetActivities()[0].GetSite()})
		if err != nil {
			t.Fatal(err)
		}
		if s.GetLocation() != nil && s.GetGeocodePrecision() != directoryv1.Site_GEOCODE_PRECISION_NONE {
			pro, site = cand, s
			break
		}
	}
	if pro == nil {
		t.Fatal("no located professional among the demo directory's first 100")
	}
	dep := site.GetDepartement()
	territory := "territories/SAS-" + strings.TrimPrefix(dep, "departements/")
	if _, err := accountsv1.NewAccountServiceClient(p.conn).CreateAccount(ctx, &accountsv1.CreateAccountRequest{Account: &accountsv1.Account{
		Email: "arm@example.fr", Role: accountsv1.Role_ROLE_ARM, City: "X", Departement: dep, Territory: territory,
		FamilyName: "Durand", GivenName: "Alice"}}); err != nil {
		t.Fatal(err)
	}
	regTok, st := devSignIn(t, p, "arm@example.fr")
	if st != 200 {
		t.Fatalf("regulator sign-in: %d %s", st, regTok)
	}
	reg := auth.WithBearer(ctx, regTok)

	// A vendor pushes a slot of the professional in two hours.
	v, err := accountsv1.NewVendorServiceClient(p.conn).CreateVendor(ctx, &accountsv1.CreateVendorRequest{
		VendorId: "agenda-plus", Vendor: &accountsv1.Vendor{DisplayName: "Agenda Plus", Enabled: true}})
	if err != nil {
		t.Fatal(err)
	}
	tok, err := accountsv1.NewAuthServiceClient(p.anon).IssueToken(ctx, &accountsv1.IssueTokenRequest{Grant: &accountsv1.IssueTokenRequest_ClientCredentials{
		ClientCredentials: &accountsv1.ClientCredentials{ClientId: v.GetVendor().GetClientId(), ClientSecret: v.GetClientSecret()}}})
	if err != nil {
		t.Fatal(err)
	}
	vctx := auth.WithBearer(ctx, tok.GetAccessToken())
	begin := time.Now().Add(2 * time.Hour).Truncate(time.Minute)
	slot := &availabilityv1.Slot{ExternalId: "rdv-1", Professional: pro.GetName(),
		StartTime: timestamppb.New(begin), EndTime: timestamppb.New(begin.Add(20 * time.Minute)),
		Status: availabilityv1.Slot_STATUS_FREE, Visibility: commonv1.Visibility_VISIBILITY_SNP,
		ConsultationModes: []commonv1.ConsultationMode{commonv1.ConsultationMode_CONSULTATION_MODE_PRACTICE},
		BookingUrl:        "https://agenda-plus.example/rdv/1?lang=fr"}
	waitFor(t, "the slot stored", func() bool {
		resp, err := availabilityv1.NewAvailabilityServiceClient(p.anon).BatchUpsertSlots(vctx, &availabilityv1.BatchUpsertSlotsRequest{
			Parent: v.GetVendor().GetName(), Slots: []*availabilityv1.Slot{slot}})
		if err != nil {
			t.Fatal(err)
		}
		return resp.GetStoredCount() == 1
	})

	search := searchv1.NewSearchServiceClient(p.anon)
	req := &searchv1.SearchSlotsRequest{Location: &searchv1.SearchSlotsRequest_Point{Point: site.GetLocation()},
		RadiusMeters: 5000, PageSize: 100}
	found := func(resp *searchv1.SearchSlotsResponse) *searchv1.SearchResult {
		for _, r := range resp.GetResults() {
			if r.GetProfessional().GetName() == pro.GetName() {
				return r
			}
		}
		return nil
	}
	var first *searchv1.SearchSlotsResponse
	waitFor(t, "the slot found by search", func() bool {
		resp, err := search.SearchSlots(reg, req)
		if status.Code(err) == codes.Unavailable {
			return false // the read model is loading
		}
		if err != nil {
			t.Fatal(err)
		}
		first = resp
		return found(resp) != nil
	})
	r := found(first)
	if r.GetPlace().GetSite() != site.GetName() || r.GetDistanceMeters() > 1000 || len(r.GetDays()) == 0 ||
		r.GetDays()[0].GetSlots()[0].GetVendor() != v.GetVendor().GetName() {
		t.Errorf("result: %v", r)
	}
	if first.GetTerritory() != territory {
		t.Errorf("territory %q, want %q", first.GetTerritory(), territory)
	}
	again, err := search.SearchSlots(reg, req)
	if err != nil || found(again) == nil || again.GetTotalSize() != first.GetTotalSize() {
		t.Errorf("same search again: %v, %v", again.GetTotalSize(), err)
	}
	// Through REST, the same answer.
	st, body, _ := restCall(t, "POST", p.rest+"/v1/slots:search",
		`{"point":{"latitude":`+ftoa(site.GetLocation().GetLatitude())+`,"longitude":`+ftoa(site.GetLocation().GetLongitude())+`},"radiusMeters":5000,"pageSize":100}`, regTok)
	if st != 200 || !strings.Contains(string(body), pro.GetName()) {
		t.Errorf("REST search: %d %.300s", st, body)
	}

	// Opt-out takes it out of the answers; opting in brings it back.
	for _, optedOut := range []bool{true, false} {
		if _, err := dir.SetOptOut(ctx, &directoryv1.SetOptOutRequest{Name: pro.GetName(), OptedOut: optedOut}); err != nil {
			t.Fatal(err)
		}
		waitFor(t, "the opt-out seen by search", func() bool {
			resp, err := search.SearchSlots(reg, req)
			if err != nil {
				t.Fatal(err)
			}
			return (found(resp) == nil) == optedOut
		})
	}

	// The regulator orients the patient to the slot: the answer hands over
	// to the vendor's booking page with a token for that vendor; a second
	// regulator can then neither hold nor take the slot.
	slotName := found(first).GetDays()[0].GetSlots()[0].GetName()
	orient := searchv1.NewOrientationServiceClient(p.anon)
	o, err := orient.CreateOrientation(reg, &searchv1.CreateOrientationRequest{Orientation: &searchv1.Orientation{
		Type: searchv1.Orientation_TYPE_SLOT, Slot: slotName}})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(o.GetBookingUrl(), "https://agenda-plus.example/rdv/1?") || !strings.Contains(o.GetBookingUrl(), "origin=sas") ||
		strings.Count(o.GetHandoffToken(), ".") != 2 || o.GetTerritory() != territory {
		t.Errorf("orientation: %v", o)
	}
	// Searches show the slot held, until when (the cached answer too).
	waitFor(t, "the hold shown by search", func() bool {
		resp, err := search.SearchSlots(reg, req)
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range found(resp).GetDays() {
			for _, sl := range d.GetSlots() {
				if sl.GetName() == slotName {
					return sl.GetHoldExpireTime().AsTime().After(time.Now())
				}
			}
		}
		t.Fatalf("oriented slot %s gone from the results", slotName)
		return false
	})
	if _, err := accountsv1.NewAccountServiceClient(p.conn).CreateAccount(ctx, &accountsv1.CreateAccountRequest{Account: &accountsv1.Account{
		Email: "ioa@example.fr", Role: accountsv1.Role_ROLE_ORIENTATION_NURSE, City: "X", Departement: dep, Territory: territory}}); err != nil {
		t.Fatal(err)
	}
	ioaTok, st := devSignIn(t, p, "ioa@example.fr")
	if st != 200 {
		t.Fatalf("nurse sign-in: %d %s", st, ioaTok)
	}
	ioa := auth.WithBearer(ctx, ioaTok)
	if _, err := orient.HoldSlot(ioa, &searchv1.HoldSlotRequest{Slot: slotName}); status.Code(err) != codes.FailedPrecondition ||
		!strings.Contains(err.Error(), "already oriented") {
		t.Errorf("second regulator holds the oriented slot: %v", err)
	}
	if _, err := orient.CreateOrientation(ioa, &searchv1.CreateOrientationRequest{Orientation: &searchv1.Orientation{
		Type: searchv1.Orientation_TYPE_SLOT, Slot: slotName}}); status.Code(err) != codes.FailedPrecondition {
		t.Errorf("second regulator orients to the same slot: %v", err)
	}
	if got, err := orient.GetOrientation(ioa, &searchv1.GetOrientationRequest{Name: o.GetName()}); err != nil || got.GetHandoffToken() != "" {
		t.Errorf("orientation read back by a colleague: %v, %v", got, err)
	}

	// Bad input names the field; a professional may not search.
	if _, err := search.SearchSlots(reg, &searchv1.SearchSlotsRequest{Location: &searchv1.SearchSlotsRequest_InseeCode{InseeCode: "00000"}}); status.Code(err) != codes.InvalidArgument ||
		!strings.Contains(err.Error(), "insee_code") {
		t.Errorf("unknown INSEE code: %v", err)
	}
	if _, err := search.SearchSlots(ctx, req); status.Code(err) != codes.Unauthenticated {
		t.Errorf("search without a token: %v", err)
	}

	// The search is in the audit trail, with its parameters and no patient data.
	client := accountsv1.NewAuditServiceClient(p.conn)
	waitFor(t, "the search audited", func() bool {
		resp, err := client.ListAuditEvents(ctx, &accountsv1.ListAuditEventsRequest{
			Filter: `action = "` + searchv1.SearchService_SearchSlots_FullMethodName + `"`})
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range resp.GetAuditEvents() {
			if e.GetActorRole() == accountsv1.Role_ROLE_ARM && e.GetDetails()["radius_meters"] == "5000" &&
				strings.HasPrefix(e.GetDetails()["location"], "point:") && e.GetTerritory() == territory {
				return true
			}
		}
		return false
	})
}

func ftoa(f float64) string { return strconv.FormatFloat(f, 'f', -1, 64) }
