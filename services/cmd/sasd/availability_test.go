package main

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"google.golang.org/protobuf/types/known/timestamppb"

	accountsv1 "github.com/sas-platform/sas/gen/sas/accounts/v1"
	availabilityv1 "github.com/sas-platform/sas/gen/sas/availability/v1"
	commonv1 "github.com/sas-platform/sas/gen/sas/common/v1"
	directoryv1 "github.com/sas-platform/sas/gen/sas/directory/v1"
	"github.com/sas-platform/sas/services/platform/auth"
)

// TestAvailabilityPushOptOut runs the whole path on one platform: the
// directory's demo professionals reach availability through the change feed,
// a vendor signs in and pushes a slot over gRPC, an opt-out in the directory
// withdraws it, opting in again brings it back.
func TestAvailabilityPushOptOut(t *testing.T) {
	p := start(t, "-demo-professionals", "300")
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	list, err := directoryClient(p.conn).ListProfessionals(ctx, &directoryv1.ListProfessionalsRequest{PageSize: 1, Filter: "active = true"})
	if err != nil || len(list.GetProfessionals()) == 0 {
		t.Fatalf("directory: %v, %v", list, err)
	}
	pro := list.GetProfessionals()[0]
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
	slots := availabilityv1.NewAvailabilityServiceClient(p.anon)
	start := time.Now().Add(2 * time.Hour).Truncate(time.Minute)
	slot := &availabilityv1.Slot{ExternalId: "rdv-1", Professional: pro.GetName(),
		StartTime: timestamppb.New(start), EndTime: timestamppb.New(start.Add(20 * time.Minute)),
		Status: availabilityv1.Slot_STATUS_FREE, Visibility: commonv1.Visibility_VISIBILITY_SNP,
		ConsultationModes: []commonv1.ConsultationMode{commonv1.ConsultationMode_CONSULTATION_MODE_PRACTICE}}
	// The feed may still be bringing the directory in: retry while the professional is unknown.
	var stored *availabilityv1.Slot
	waitFor(t, "the slot stored", func() bool {
		resp, err := slots.BatchUpsertSlots(vctx, &availabilityv1.BatchUpsertSlotsRequest{Parent: v.GetVendor().GetName(),
			Slots: []*availabilityv1.Slot{slot}})
		if err != nil {
			t.Fatal(err)
		}
		if resp.GetStoredCount() != 1 {
			return false
		}
		l, err := slots.ListSlots(vctx, &availabilityv1.ListSlotsRequest{Parent: v.GetVendor().GetName()})
		if err != nil || len(l.GetSlots()) != 1 {
			t.Fatalf("list: %v, %v", l, err)
		}
		stored = l.GetSlots()[0]
		return true
	})
	if !stored.GetPublished() {
		t.Fatalf("stored slot not published: %v", stored)
	}
	for _, optedOut := range []bool{true, false} {
		if _, err := directoryClient(p.conn).SetOptOut(ctx, &directoryv1.SetOptOutRequest{Name: pro.GetName(), OptedOut: optedOut}); err != nil {
			t.Fatal(err)
		}
		waitFor(t, "the opt-out applied", func() bool {
			got, err := slots.GetSlot(vctx, &availabilityv1.GetSlotRequest{Name: stored.GetName()})
			if err != nil {
				t.Fatal(err)
			}
			return got.GetPublished() == !optedOut
		})
	}
	// FHIR push on the same platform: garbage is a precise OperationOutcome.
	req, _ := http.NewRequest(http.MethodPost, p.rest+"/fhir/r4", strings.NewReader(`{"resourceType":"Patient"}`))
	req.Header.Set("Authorization", "Bearer "+tok.GetAccessToken())
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusBadRequest {
		t.Errorf("FHIR push of a Patient: %d", resp.StatusCode)
	}
}

func waitFor(t *testing.T, what string, ok func() bool) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for !ok() {
		if time.Now().After(deadline) {
			t.Fatalf("%s: not within 20 s", what)
		}
		time.Sleep(50 * time.Millisecond)
	}
}
