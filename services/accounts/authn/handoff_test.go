package authn_test

import (
	"context"
	"io"
	"log/slog"
	"net"
	"slices"
	"testing"
	"time"

	"github.com/go-jose/go-jose/v4"
	"github.com/go-jose/go-jose/v4/jwt"
	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/status"
	"google.golang.org/grpc/test/bufconn"

	accountsv1 "github.com/sas-platform/sas/gen/sas/accounts/v1"
	"github.com/sas-platform/sas/services/accounts/authn"
	"github.com/sas-platform/sas/services/accounts/store"
	"github.com/sas-platform/sas/services/accounts/territory"
	"github.com/sas-platform/sas/services/platform/apierr"
	"github.com/sas-platform/sas/services/platform/app"
	"github.com/sas-platform/sas/services/platform/auth"
	"github.com/sas-platform/sas/services/platform/auth/authtest"
	"github.com/sas-platform/sas/services/platform/dbtest"
)

// env is the AuthService on a real gRPC server (policy and error mapping as
// in production) over a seeded accounts store with its own key ring.
type env struct {
	t      *testing.T
	iss    *authtest.Issuer
	db     *store.DB
	srv    *authn.Server
	client accountsv1.AuthServiceClient
}

func runHandoff(t *testing.T, tests map[string]func(*testing.T, *env)) {
	wrapped := make(map[string]func(*testing.T, dbtest.Engine), len(tests))
	for name, test := range tests {
		wrapped[name] = func(t *testing.T, e dbtest.Engine) { test(t, newEnv(t, e)) }
	}
	dbtest.Run(t, "accounts", store.Migrations, wrapped)
}

func newEnv(t *testing.T, e dbtest.Engine) *env {
	t.Helper()
	ctx := context.Background()
	ref, err := territory.LoadReference()
	if err != nil {
		t.Fatal(err)
	}
	db := store.New(e.DB, e.Classify)
	if err := db.SeedReference(ctx, ref); err != nil {
		t.Fatal(err)
	}
	keys, err := authn.NewKeyRing(ctx, db, 15*time.Minute, 24*time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	srv := authn.NewServer(authn.Config{Keys: keys, Accounts: db, Clients: db, TokenTTL: 15 * time.Minute})
	iss := authtest.New(t)
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	s := grpc.NewServer(append(iss.ServerOptions(), grpc.ChainUnaryInterceptor(apierr.UnaryServerInterceptor(log)))...)
	accountsv1.RegisterAuthServiceServer(s, srv)
	lis := bufconn.Listen(1 << 20)
	go func() { _ = s.Serve(lis) }()
	t.Cleanup(s.Stop)
	conn, err := grpc.NewClient("passthrough:///bufnet", grpc.WithTransportCredentials(insecure.NewCredentials()),
		grpc.WithContextDialer(func(ctx context.Context, _ string) (net.Conn, error) { return lis.DialContext(ctx) }))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	v := &env{t: t, iss: iss, db: db, srv: srv, client: accountsv1.NewAuthServiceClient(conn)}
	v.vendor("agenda-plus", true)
	v.vendor("old-agenda", false)
	return v
}

func (e *env) as(p *auth.Principal) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	e.t.Cleanup(cancel)
	return e.iss.Context(ctx, p)
}

func (e *env) vendor(id string, enabled bool) {
	e.t.Helper()
	v := &accountsv1.Vendor{Name: "vendors/" + id, DisplayName: id, Enabled: enabled}
	if err := e.db.CreateVendor(context.Background(), v, store.Client{ID: "vendor-" + id, Subject: v.Name,
		SecretHash: authn.HashSecret("secret")}, time.Now()); err != nil {
		e.t.Fatal(err)
	}
}

// account creates an account of role in SAS-44, signed in (active) when active.
func (e *env) account(email string, role accountsv1.Role, active bool) *accountsv1.Account {
	e.t.Helper()
	ctx := context.Background()
	a := &accountsv1.Account{Email: email, Role: role, City: "Nantes", Departement: "departements/44",
		Territory: "territories/SAS-44", FamilyName: "Martin", GivenName: "Anne"}
	if err := e.db.CreateAccount(ctx, a, nil); err != nil {
		e.t.Fatalf("create %s: %v", email, err)
	}
	if active {
		if err := e.db.MarkSignedIn(ctx, store.AccountID(a.Name), time.Now()); err != nil {
			e.t.Fatal(err)
		}
	}
	return a
}

// keySet is the published JWKS, as a vendor reads it.
func (e *env) keySet() *jose.JSONWebKeySet {
	e.t.Helper()
	jwks, err := e.client.GetJwks(context.Background(), &accountsv1.GetJwksRequest{})
	if err != nil {
		e.t.Fatal(err)
	}
	set, err := app.JWKS(jwks)
	if err != nil {
		e.t.Fatal(err)
	}
	return set
}

// verify checks tok as a vendor would, for audience.
func verify(t *testing.T, set *jose.JSONWebKeySet, tok, audience string) (authn.HandoffClaims, error) {
	t.Helper()
	parsed, err := jwt.ParseSigned(tok, []jose.SignatureAlgorithm{jose.ES256})
	if err != nil {
		t.Fatal(err)
	}
	keys := set.Key(parsed.Headers[0].KeyID)
	if len(keys) != 1 {
		t.Fatalf("token key %q: %d keys in the key set", parsed.Headers[0].KeyID, len(keys))
	}
	var c authn.HandoffClaims
	if err := parsed.Claims(keys[0].Key, &c); err != nil {
		t.Fatalf("signature: %v", err)
	}
	return c, c.Validate(jwt.Expected{Issuer: auth.DefaultIssuer, AnyAudience: jwt.Audience{audience}, Time: time.Now()})
}

func TestHandoffToken(t *testing.T) {
	runHandoff(t, map[string]func(*testing.T, *env){
		"verifies with the key set for its vendor only": func(t *testing.T, e *env) {
			a := e.account("arm@example.fr", accountsv1.Role_ROLE_ARM, true)
			resp, err := e.client.IssueHandoffToken(e.as(authtest.Service("search")),
				&accountsv1.IssueHandoffTokenRequest{Account: a.Name, Vendor: "vendors/agenda-plus"})
			if err != nil {
				t.Fatal(err)
			}
			set := e.keySet()
			c, err := verify(t, set, resp.Token, "vendors/agenda-plus")
			if err != nil {
				t.Fatal(err)
			}
			if c.Subject != a.Name || c.FamilyName != "Martin" || c.GivenName != "Anne" || c.Email != "arm@example.fr" ||
				c.Territory != "territories/SAS-44" || c.ID == "" {
				t.Errorf("claims %+v", c)
			}
			if life := c.Expiry.Time().Sub(c.IssuedAt.Time()); life != authn.HandoffTTL {
				t.Errorf("lifetime %s, want %s", life, authn.HandoffTTL)
			}
			if !resp.ExpireTime.AsTime().Equal(c.Expiry.Time()) {
				t.Errorf("expire_time %s, token exp %s", resp.ExpireTime.AsTime(), c.Expiry.Time())
			}
			if _, err := verify(t, set, resp.Token, "vendors/other"); err == nil {
				t.Error("token valid for another vendor")
			}
			// Not an access token of the platform.
			v := auth.NewVerifier(auth.VerifierOptions{Source: func(context.Context) (*jose.JSONWebKeySet, error) { return set, nil }})
			if _, err := v.Verify(context.Background(), resp.Token); err == nil {
				t.Error("handoff token accepted as an access token")
			}
		},
		"every regulator role": func(t *testing.T, e *env) {
			for _, role := range store.RegulatorRoles {
				a := e.account(role.String()+"@example.fr", role, true)
				if _, err := e.client.IssueHandoffToken(e.as(authtest.Service("search")),
					&accountsv1.IssueHandoffTokenRequest{Account: a.Name, Vendor: "vendors/agenda-plus"}); err != nil {
					t.Errorf("%s: %v", role, err)
				}
			}
		},
		"refusals": func(t *testing.T, e *env) {
			arm := e.account("arm@example.fr", accountsv1.Role_ROLE_ARM, true).Name
			invited := e.account("new@example.fr", accountsv1.Role_ROLE_OSNP, false).Name
			suspended := e.account("off@example.fr", accountsv1.Role_ROLE_ARM, true)
			if _, err := e.db.ChangeState(context.Background(), store.AccountID(suspended.Name), "", store.Suspend, nil); err != nil {
				t.Fatal(err)
			}
			referent := e.account("referent@example.fr", accountsv1.Role_ROLE_TERRITORIAL_REFERENT, true).Name
			service := authtest.Service("search")
			for _, c := range []struct {
				name            string
				caller          *auth.Principal
				account, vendor string
				code            codes.Code
				reason, field   string
			}{
				{"user", authtest.User("x", accountsv1.Role_ROLE_ARM, "territories/SAS-44"), arm, "vendors/agenda-plus", codes.PermissionDenied, "ROLE_NOT_ALLOWED", ""},
				{"vendor", authtest.Vendor("agenda-plus"), arm, "vendors/agenda-plus", codes.PermissionDenied, "ROLE_NOT_ALLOWED", ""},
				{"bad account", service, "arm", "vendors/agenda-plus", codes.InvalidArgument, "", "account"},
				{"bad vendor", service, arm, "agenda-plus", codes.InvalidArgument, "", "vendor"},
				{"unknown account", service, "accounts/nobody", "vendors/agenda-plus", codes.NotFound, "", ""},
				{"invited", service, invited, "vendors/agenda-plus", codes.FailedPrecondition, "ACCOUNT_INVITED", ""},
				{"suspended", service, suspended.Name, "vendors/agenda-plus", codes.FailedPrecondition, "ACCOUNT_SUSPENDED", ""},
				{"not a regulator", service, referent, "vendors/agenda-plus", codes.FailedPrecondition, "NOT_A_REGULATOR", ""},
				{"unknown vendor", service, arm, "vendors/nobody", codes.NotFound, "", ""},
				{"disabled vendor", service, arm, "vendors/old-agenda", codes.FailedPrecondition, "VENDOR_DISABLED", ""},
			} {
				_, err := e.client.IssueHandoffToken(e.as(c.caller), &accountsv1.IssueHandoffTokenRequest{Account: c.account, Vendor: c.vendor})
				st := status.Convert(err)
				if st.Code() != c.code || reason(st) != c.reason || (c.field != "" && !slices.Contains(fields(st), c.field)) {
					t.Errorf("%s: got %v %q %v, want %v %q %q", c.name, st.Code(), reason(st), fields(st), c.code, c.reason, c.field)
				}
			}
		},
		"handler refuses non-services": func(t *testing.T, e *env) {
			arm := e.account("arm@example.fr", accountsv1.Role_ROLE_ARM, true).Name
			ctx := auth.WithPrincipal(context.Background(), authtest.Vendor("agenda-plus"))
			_, err := e.srv.IssueHandoffToken(ctx, &accountsv1.IssueHandoffTokenRequest{Account: arm, Vendor: "vendors/agenda-plus"})
			if status.Code(err) != codes.PermissionDenied {
				t.Errorf("got %v, want PERMISSION_DENIED", err)
			}
		},
	})
}

func reason(st *status.Status) string {
	for _, d := range st.Details() {
		if info, ok := d.(*errdetails.ErrorInfo); ok {
			return info.Reason
		}
	}
	return ""
}

func fields(st *status.Status) []string {
	var out []string
	for _, d := range st.Details() {
		if br, ok := d.(*errdetails.BadRequest); ok {
			for _, v := range br.FieldViolations {
				out = append(out, v.Field)
			}
		}
	}
	return out
}
