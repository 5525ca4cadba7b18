package regulators_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	"google.golang.org/genproto/googleapis/rpc/code"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	accountsv1 "github.com/sas-platform/sas/gen/sas/accounts/v1"
	"github.com/sas-platform/sas/services/accounts/store"
	"github.com/sas-platform/sas/services/platform/auth"
	"github.com/sas-platform/sas/services/platform/auth/authtest"
)

func TestSyncRegulators(t *testing.T) {
	run(t, map[string]func(*testing.T, *env){
		"full list":      testFullList,
		"changes since":  testChangesSince,
		"pages":          testPages,
		"bad requests":   testBadRequests,
		"callers":        testCallers,
		"audited":        testAudited,
		"fhir bundle":    testFHIRBundle,
		"fhir errors":    testFHIRErrors,
		"fhir no change": testFHIRNoChange,
	})
}

// summary is "email/removed" of each identity, in order.
func summary(ids []*accountsv1.RegulatorIdentity) []string {
	var out []string
	for _, id := range ids {
		s := id.Email
		if id.Removed {
			s = id.Account + "/removed"
			if id.Email != "" || id.FamilyName != "" || id.GivenName != "" {
				s += "/with-personal-data"
			}
		}
		out = append(out, s)
	}
	return out
}

func wantSummary(t *testing.T, got []*accountsv1.RegulatorIdentity, want ...string) {
	t.Helper()
	if s := summary(got); !slices.Equal(s, want) {
		t.Fatalf("got %v, want %v", s, want)
	}
}

func testFullList(t *testing.T, e *env) {
	arm := e.create("arm44@example.fr", accountsv1.Role_ROLE_ARM, "SAS-44")
	e.create("pro44@example.fr", accountsv1.Role_ROLE_PROFESSIONAL, "SAS-44")
	e.create("doc75@example.fr", accountsv1.Role_ROLE_REGULATING_DOCTOR, "SAS-75")
	e.transition(e.create("osnp44@example.fr", accountsv1.Role_ROLE_OSNP, "SAS-44"), store.Suspend)
	e.create("ioa44@example.fr", accountsv1.Role_ROLE_ORIENTATION_NURSE, "SAS-44")
	e.update(e.create("was@example.fr", accountsv1.Role_ROLE_ARM, "SAS-44"),
		func(a *accountsv1.Account) { a.Role = accountsv1.Role_ROLE_DELEGATE })
	e.transition(e.create("gone@example.fr", accountsv1.Role_ROLE_ARM, "SAS-44"), store.Delete)

	resp := e.sync(&accountsv1.SyncRegulatorsRequest{})
	wantSummary(t, resp.Regulators, "arm44@example.fr", "doc75@example.fr", "ioa44@example.fr")
	got := resp.Regulators[0]
	if got.Account != arm.Name || got.FamilyName != "Martin" || got.GivenName != "Anne" ||
		got.Territory != "territories/SAS-44" || !got.UpdateTime.AsTime().Equal(arm.UpdateTime.AsTime()) {
		t.Errorf("identity %v of %v", got, arm)
	}
	if resp.NextPageToken != "" || !strings.HasPrefix(resp.NextSyncToken, "r1.") {
		t.Errorf("tokens: page %q, sync %q", resp.NextPageToken, resp.NextSyncToken)
	}
}

func testChangesSince(t *testing.T, e *env) {
	arm := e.create("arm44@example.fr", accountsv1.Role_ROLE_ARM, "SAS-44")
	doc := e.create("doc75@example.fr", accountsv1.Role_ROLE_REGULATING_DOCTOR, "SAS-75")
	pro := e.create("pro44@example.fr", accountsv1.Role_ROLE_PROFESSIONAL, "SAS-44")
	ioa := e.create("ioa44@example.fr", accountsv1.Role_ROLE_ORIENTATION_NURSE, "SAS-44")
	osnp := e.create("osnp44@example.fr", accountsv1.Role_ROLE_OSNP, "SAS-44")
	first := e.sync(&accountsv1.SyncRegulatorsRequest{})
	wantSummary(t, first.Regulators, "arm44@example.fr", "doc75@example.fr", "ioa44@example.fr", "osnp44@example.fr")

	e.create("new@example.fr", accountsv1.Role_ROLE_ARM, "SAS-75")
	e.update(arm, func(a *accountsv1.Account) { a.FamilyName, a.Email = "Durand", "arm.durand@example.fr" })
	e.transition(doc, store.Suspend)
	e.update(pro, func(a *accountsv1.Account) { a.FamilyName = "Bernard" })
	e.update(ioa, func(a *accountsv1.Account) { a.Role = accountsv1.Role_ROLE_DELEGATE })
	e.transition(osnp, store.Delete)
	e.create("pro2@example.fr", accountsv1.Role_ROLE_STRUCTURE_MANAGER, "SAS-44")

	changes := e.sync(&accountsv1.SyncRegulatorsRequest{SyncToken: first.NextSyncToken})
	wantSummary(t, changes.Regulators, "new@example.fr", "arm.durand@example.fr",
		doc.Name+"/removed", ioa.Name+"/removed", osnp.Name+"/removed")
	if got := changes.Regulators[1]; got.FamilyName != "Durand" {
		t.Errorf("renamed: %v", got)
	}
	if got := changes.Regulators[2]; got.Territory != "territories/SAS-75" {
		t.Errorf("removed identity keeps its territory: %v", got)
	}
	if changes.NextSyncToken == "" || changes.NextSyncToken == first.NextSyncToken {
		t.Errorf("sync token %q after %q", changes.NextSyncToken, first.NextSyncToken)
	}
	// Reactivated: known again. Nothing else changed.
	e.transition(doc, store.Reactivate)
	again := e.sync(&accountsv1.SyncRegulatorsRequest{SyncToken: changes.NextSyncToken})
	wantSummary(t, again.Regulators, "doc75@example.fr")
	if last := e.sync(&accountsv1.SyncRegulatorsRequest{SyncToken: again.NextSyncToken}); len(last.Regulators) != 0 ||
		last.NextSyncToken != again.NextSyncToken {
		t.Errorf("no change: %v", last)
	}
}

func testPages(t *testing.T, e *env) {
	var arms []*accountsv1.Account
	for i := range 5 {
		arms = append(arms, e.create(fmt.Sprintf("arm%d@example.fr", i), accountsv1.Role_ROLE_ARM, "SAS-44"))
		e.create(fmt.Sprintf("pro%d@example.fr", i), accountsv1.Role_ROLE_PROFESSIONAL, "SAS-44")
	}
	var got []string
	req := &accountsv1.SyncRegulatorsRequest{PageSize: 2}
	for page := 0; ; page++ {
		resp := e.sync(req)
		got = append(got, summary(resp.Regulators)...)
		if page == 0 {
			// Changed while the vendor pages: they come with the next
			// sync, whether already listed (arm0) or not yet (arm4).
			e.update(arms[0], func(a *accountsv1.Account) { a.GivenName = "Zoé" })
			e.update(arms[4], func(a *accountsv1.Account) { a.GivenName = "Zoé" })
		}
		if resp.NextPageToken == "" {
			req.SyncToken = resp.NextSyncToken
			break
		}
		if resp.NextSyncToken != "" || len(resp.Regulators) != 2 {
			t.Fatalf("page %d: %v", page, resp)
		}
		req.PageToken = resp.NextPageToken
	}
	if want := []string{"arm0@example.fr", "arm1@example.fr", "arm2@example.fr", "arm3@example.fr"}; !slices.Equal(got, want) {
		t.Fatalf("pages: %v, want %v", got, want)
	}
	_, err := e.client.SyncRegulators(e.as(vendor()), &accountsv1.SyncRegulatorsRequest{PageToken: req.PageToken, SyncToken: req.SyncToken})
	if status.Code(err) != codes.InvalidArgument || !slices.Equal(fields(err), []string{"page_token"}) {
		t.Errorf("page token of another sync token: %v", err)
	}
	req.PageToken = ""
	next := e.sync(req)
	wantSummary(t, next.Regulators, "arm0@example.fr", "arm4@example.fr")
	if next.Regulators[1].GivenName != "Zoé" {
		t.Errorf("arm4: %v", next.Regulators[1])
	}
}

func testBadRequests(t *testing.T, e *env) {
	current := e.sync(&accountsv1.SyncRegulatorsRequest{}).NextSyncToken
	seq := strings.TrimPrefix(current, "r1.")
	for _, tt := range []struct {
		name  string
		req   *accountsv1.SyncRegulatorsRequest
		field string
	}{
		{"garbage", &accountsv1.SyncRegulatorsRequest{SyncToken: "garbage"}, "sync_token"},
		{"no number", &accountsv1.SyncRegulatorsRequest{SyncToken: "r1."}, "sync_token"},
		{"negative", &accountsv1.SyncRegulatorsRequest{SyncToken: "r1.-1"}, "sync_token"},
		{"leading zero", &accountsv1.SyncRegulatorsRequest{SyncToken: "r1.0" + seq}, "sync_token"},
		{"other version", &accountsv1.SyncRegulatorsRequest{SyncToken: "r2." + seq}, "sync_token"},
		{"from the future", &accountsv1.SyncRegulatorsRequest{SyncToken: "r1.9" + seq}, "sync_token"},
		{"page token", &accountsv1.SyncRegulatorsRequest{PageToken: "forged"}, "page_token"},
		{"page size", &accountsv1.SyncRegulatorsRequest{PageSize: -1}, "page_size"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := e.client.SyncRegulators(e.as(vendor()), tt.req)
			if status.Code(err) != codes.InvalidArgument || !slices.Equal(fields(err), []string{tt.field}) {
				t.Fatalf("got %v, want INVALID_ARGUMENT on %s", err, tt.field)
			}
		})
	}
}

func testCallers(t *testing.T, e *env) {
	e.create("arm44@example.fr", accountsv1.Role_ROLE_ARM, "SAS-44")
	for _, tt := range []struct {
		name   string
		caller *auth.Principal
		want   codes.Code
	}{
		{"vendor", vendor(), codes.OK},
		{"anonymous", nil, codes.Unauthenticated},
		{"national admin", authtest.User("nat", accountsv1.Role_ROLE_NATIONAL_ADMIN, ""), codes.PermissionDenied},
		{"regulator", authtest.User("arm", accountsv1.Role_ROLE_ARM, "territories/SAS-44"), codes.PermissionDenied},
		{"service", authtest.Service("search"), codes.PermissionDenied},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := e.client.SyncRegulators(e.as(tt.caller), &accountsv1.SyncRegulatorsRequest{})
			if status.Code(err) != tt.want {
				t.Fatalf("got %v, want %v", err, tt.want)
			}
		})
	}
}

func testAudited(t *testing.T, e *env) {
	e.create("arm44@example.fr", accountsv1.Role_ROLE_ARM, "SAS-44")
	e.create("doc75@example.fr", accountsv1.Role_ROLE_REGULATING_DOCTOR, "SAS-75")
	e.sync(&accountsv1.SyncRegulatorsRequest{})
	if _, err := e.client.SyncRegulators(e.as(vendor()), &accountsv1.SyncRegulatorsRequest{SyncToken: "bad"}); err == nil {
		t.Fatal("bad sync token accepted")
	}
	if err := e.audit.Close(context.Background()); err != nil { // flushes
		t.Fatal(err)
	}
	events, _, err := e.db.AuditEvents(context.Background(), store.AuditQuery{Actor: vendor().Subject, Limit: 10})
	if err != nil {
		t.Fatal(err)
	}
	if len(events) != 2 {
		t.Fatalf("events: %v", events)
	}
	ok, bad := events[1], events[0] // newest first
	if ok.Action != accountsv1.RegulatorService_SyncRegulators_FullMethodName || ok.Outcome != code.Code_OK ||
		ok.Details["count"] != "2" || ok.Details["full"] != "true" {
		t.Errorf("sync event: %v", ok)
	}
	if bad.Outcome != code.Code_INVALID_ARGUMENT {
		t.Errorf("refused sync event: %v", bad)
	}
}
