package main

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	accountsv1 "github.com/sas-platform/sas/gen/sas/accounts/v1"
	"github.com/sas-platform/sas/services/platform/auth"
)

// devSignIn gets an ID token for email from sasd's development issuer and
// exchanges it for an access token over REST, as a browser app would.
func devSignIn(t testing.TB, p platform, email string) (string, int) {
	t.Helper()
	resp, err := http.PostForm(p.rest+"/dev/oidc/token", url.Values{"email": {email}})
	if err != nil {
		t.Fatal(err)
	}
	var id struct {
		IDToken string `json:"id_token"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&id); err != nil || id.IDToken == "" {
		t.Fatalf("dev issuer: %v", err)
	}
	resp.Body.Close()
	st, body, _ := restCall(t, "POST", p.rest+"/v1/token", `{"idToken":"`+id.IDToken+`"}`, "")
	if st != 200 {
		return string(body), st
	}
	var tok struct {
		AccessToken string `json:"accessToken"`
	}
	if err := json.Unmarshal(body, &tok); err != nil {
		t.Fatal(err)
	}
	return tok.AccessToken, st
}

// TestSignInScopingAudit walks the accounts issue end to end on sasd: the
// bootstrap admin invites a territorial admin, who invites a regulator of
// its territory; both sign in through the OIDC issuer; scoping holds across
// territories; vendors sign in with client credentials; failures are
// rate-limited; the audit trail shows the reads.
func TestSignInScopingAudit(t *testing.T) {
	p := start(t)
	ctx := context.Background()
	accts := accountsv1.NewAccountServiceClient(p.conn)
	create := func(ctx context.Context, email string, role accountsv1.Role, territory, dep string) (*accountsv1.Account, error) {
		return accts.CreateAccount(ctx, &accountsv1.CreateAccountRequest{Account: &accountsv1.Account{
			Email: email, Role: role, City: "Nantes", Departement: dep, Territory: territory, FamilyName: "Martin", GivenName: "Claire"}})
	}
	if _, err := create(ctx, "ars44@example.fr", accountsv1.Role_ROLE_ARS_ACCOUNT_MANAGER, "territories/SAS-44", "departements/44"); err != nil {
		t.Fatal(err)
	}
	other, err := create(ctx, "arm75@example.fr", accountsv1.Role_ROLE_ARM, "territories/SAS-75", "departements/75")
	if err != nil {
		t.Fatal(err)
	}
	arsTok, st := devSignIn(t, p, "ars44@example.fr")
	if st != 200 {
		t.Fatalf("ARS sign-in: %d %s", st, arsTok)
	}
	ars := auth.WithBearer(ctx, arsTok)
	anon := accountsv1.NewAccountServiceClient(p.anon)
	// The ARS admin of SAS-44 invites in its territory, not elsewhere, and no admins.
	reg, err := anon.CreateAccount(ars, &accountsv1.CreateAccountRequest{Account: &accountsv1.Account{
		Email: "Regul44@Example.fr", Role: accountsv1.Role_ROLE_REGULATING_DOCTOR, City: "Nantes",
		Departement: "departements/44", Territory: "territories/SAS-44"}})
	if err != nil {
		t.Fatalf("ARS creates a regulator of its territory: %v", err)
	}
	if _, err := anon.CreateAccount(ars, &accountsv1.CreateAccountRequest{Account: &accountsv1.Account{
		Email: "x@example.fr", Role: accountsv1.Role_ROLE_ARM, City: "Paris", Departement: "departements/75", Territory: "territories/SAS-75"}}); status.Code(err) != codes.PermissionDenied {
		t.Errorf("ARS of SAS-44 creating in SAS-75: %v, want PERMISSION_DENIED", err)
	}
	if _, err := anon.CreateAccount(ars, &accountsv1.CreateAccountRequest{Account: &accountsv1.Account{
		Email: "y@example.fr", Role: accountsv1.Role_ROLE_GRADES_ACCOUNT_MANAGER, City: "Nantes", Departement: "departements/44", Territory: "territories/SAS-44"}}); status.Code(err) != codes.PermissionDenied {
		t.Errorf("ARS creating an admin: %v, want PERMISSION_DENIED", err)
	}
	if _, err := anon.GetAccount(ars, &accountsv1.GetAccountRequest{Name: other.Name}); status.Code(err) != codes.NotFound {
		t.Errorf("ARS of SAS-44 reading a SAS-75 account: %v, want NOT_FOUND", err)
	}
	// The regulator signs in (e-mail case differs), becomes ACTIVE, reads itself.
	regTok, st := devSignIn(t, p, "regul44@example.fr")
	if st != 200 {
		t.Fatalf("regulator sign-in: %d %s", st, regTok)
	}
	st, body, _ := restCall(t, "GET", p.rest+"/v1/accounts/me", "", regTok)
	if st != 200 || !strings.Contains(string(body), "STATE_ACTIVE") || !strings.Contains(string(body), reg.Name) {
		t.Errorf("regulator reads accounts/me: %d %s", st, body)
	}
	if st, body, _ := restCall(t, "GET", p.rest+"/v1/accounts", "", regTok); st != 403 || !strings.Contains(string(body), "ROLE_NOT_ALLOWED") {
		t.Errorf("regulator lists accounts: %d %s", st, body)
	}
	// Unknown e-mail: no account.
	if body, st := devSignIn(t, p, "nobody@example.fr"); st != 403 || !strings.Contains(body, "NO_ACCOUNT") {
		t.Errorf("sign-in without account: %d %s", st, body)
	}
	// Vendors: created by the national admin, sign in with client credentials.
	v, err := accountsv1.NewVendorServiceClient(p.conn).CreateVendor(ctx, &accountsv1.CreateVendorRequest{
		VendorId: "doctoagenda", Vendor: &accountsv1.Vendor{DisplayName: "DoctoAgenda", Enabled: true}})
	if err != nil {
		t.Fatal(err)
	}
	authc := accountsv1.NewAuthServiceClient(p.anon)
	issue := func(secret string) error {
		_, err := authc.IssueToken(ctx, &accountsv1.IssueTokenRequest{Grant: &accountsv1.IssueTokenRequest_ClientCredentials{
			ClientCredentials: &accountsv1.ClientCredentials{ClientId: v.Vendor.ClientId, ClientSecret: secret}}})
		return err
	}
	if err := issue(v.ClientSecret); err != nil {
		t.Fatalf("vendor sign-in: %v", err)
	}
	// Five wrong secrets, then even the right one is refused for a while.
	for i := 0; i < 5; i++ {
		if err := issue("wrong"); status.Code(err) != codes.Unauthenticated {
			t.Fatalf("wrong secret %d: %v", i, err)
		}
	}
	if err := issue(v.ClientSecret); status.Code(err) != codes.ResourceExhausted {
		t.Errorf("after 5 failures: %v, want RESOURCE_EXHAUSTED", err)
	}
	// The audit trail, as the ARS admin sees it: its territory's events only.
	events, err := accountsv1.NewAuditServiceClient(p.anon).ListAuditEvents(ars, &accountsv1.ListAuditEventsRequest{PageSize: 1000})
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range events.AuditEvents {
		if e.Territory != "territories/SAS-44" {
			t.Errorf("ARS of SAS-44 sees an event of %q: %v", e.Territory, e)
		}
	}
	waitAudit(t, p, accountsv1.AccountService_GetAccount_FullMethodName, other.Name)
}

// waitAudit waits until the national admin sees an audit event of action on target.
func waitAudit(t *testing.T, p platform, action, target string) {
	t.Helper()
	client := accountsv1.NewAuditServiceClient(p.conn)
	for i := 0; i < 50; i++ {
		resp, err := client.ListAuditEvents(context.Background(), &accountsv1.ListAuditEventsRequest{
			Filter: `action = "` + action + `" AND target = "` + target + `"`})
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range resp.AuditEvents {
			if e.Outcome.String() == "NOT_FOUND" && e.ActorRole == accountsv1.Role_ROLE_ARS_ACCOUNT_MANAGER {
				return
			}
		}
		sleep()
	}
	t.Errorf("no audit event of %s on %s (the ARS admin's NOT_FOUND read)", action, target)
}

func sleep() { <-time.After(100 * time.Millisecond) }
