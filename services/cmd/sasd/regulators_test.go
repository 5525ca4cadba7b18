package main

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	accountsv1 "github.com/sas-platform/sas/gen/sas/accounts/v1"
)

// TestRegulatorsFHIR walks the regulator sync end to end on sasd: the
// national admin invites a regulator and registers a vendor, which signs in
// with client credentials and reads the regulator as a FHIR Practitioner
// through the gateway; the read is on the audit trail.
func TestRegulatorsFHIR(t *testing.T) {
	p := start(t)
	ctx := context.Background()
	reg, err := accountsv1.NewAccountServiceClient(p.conn).CreateAccount(ctx, &accountsv1.CreateAccountRequest{Account: &accountsv1.Account{
		Email: "arm44@example.fr", Role: accountsv1.Role_ROLE_ARM, City: "Nantes", Departement: "departements/44",
		Territory: "territories/SAS-44", FamilyName: "Martin", GivenName: "Claire"}})
	if err != nil {
		t.Fatal(err)
	}
	v, err := accountsv1.NewVendorServiceClient(p.conn).CreateVendor(ctx, &accountsv1.CreateVendorRequest{
		VendorId: "doctoagenda", Vendor: &accountsv1.Vendor{DisplayName: "DoctoAgenda", Enabled: true}})
	if err != nil {
		t.Fatal(err)
	}
	tok, err := accountsv1.NewAuthServiceClient(p.anon).IssueToken(ctx, &accountsv1.IssueTokenRequest{Grant: &accountsv1.IssueTokenRequest_ClientCredentials{
		ClientCredentials: &accountsv1.ClientCredentials{ClientId: v.Vendor.ClientId, ClientSecret: v.ClientSecret}}})
	if err != nil {
		t.Fatalf("vendor sign-in: %v", err)
	}

	if st, body, _ := restCall(t, "GET", p.rest+"/fhir/r4/Practitioner", "", ""); st != 401 || !strings.Contains(string(body), "OperationOutcome") {
		t.Errorf("without a token: %d %s", st, body)
	}
	if st, body, _ := restCall(t, "GET", p.rest+"/fhir/r4/Practitioner", "", p.token); st != 403 {
		t.Errorf("as the national admin: %d %s", st, body)
	}
	st, body, _ := restCall(t, "GET", p.rest+"/fhir/r4/Practitioner?_count=10", "", tok.AccessToken)
	if st != 200 {
		t.Fatalf("as the vendor: %d %s", st, body)
	}
	var b struct {
		ResourceType string
		Link         []struct{ Relation, URL string }
		Entry        []struct {
			Resource struct {
				ID      string
				Active  bool
				Name    []struct{ Family string }
				Telecom []struct{ Value string }
			}
		}
	}
	if err := json.Unmarshal(body, &b); err != nil {
		t.Fatal(err)
	}
	if b.ResourceType != "Bundle" || len(b.Entry) != 1 {
		t.Fatalf("bundle: %s", body)
	}
	if r := b.Entry[0].Resource; "accounts/"+r.ID != reg.Name || !r.Active || len(r.Name) != 1 || r.Name[0].Family != "Martin" ||
		len(r.Telecom) != 1 || r.Telecom[0].Value != "arm44@example.fr" {
		t.Errorf("practitioner: %s", body)
	}
	if n := len(b.Link); n == 0 || b.Link[n-1].Relation != "sync" {
		t.Errorf("links: %s", body)
	}
	// The REST route of the RPC answers the same.
	if st, body, _ := restCall(t, "GET", p.rest+"/v1/regulators:sync", "", tok.AccessToken); st != 200 || !strings.Contains(string(body), reg.Name) {
		t.Errorf("REST sync: %d %s", st, body)
	}
	waitSyncAudit(t, p, v.Vendor.Name)
}

// waitSyncAudit waits until the national admin sees actor's successful
// SyncRegulators with the number of identities it got.
func waitSyncAudit(t *testing.T, p platform, actor string) {
	t.Helper()
	client := accountsv1.NewAuditServiceClient(p.conn)
	for range 50 {
		resp, err := client.ListAuditEvents(context.Background(), &accountsv1.ListAuditEventsRequest{
			Filter: `action = "` + accountsv1.RegulatorService_SyncRegulators_FullMethodName + `" AND actor = "` + actor + `"`})
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range resp.AuditEvents {
			if e.Outcome.String() == "OK" && e.Details["count"] == "1" {
				return
			}
		}
		sleep()
	}
	t.Errorf("no audit event of %s's sync", actor)
}
