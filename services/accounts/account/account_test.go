package account_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	"google.golang.org/grpc/codes"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/fieldmaskpb"

	accountsv1 "github.com/sas-platform/sas/gen/sas/accounts/v1"
	"github.com/sas-platform/sas/services/accounts/store"
)

func TestCreateValidation(t *testing.T) {
	e := newEnv(t)
	e.dir["810009999999"] = unknownPro
	e.dir["810008888888"] = inactivePro
	tests := []struct {
		name   string
		change func(*accountsv1.Account)
		fields []string
	}{
		{"display name", func(a *accountsv1.Account) { a.Email = "Anne <anne@example.fr>" }, []string{"account.email"}},
		{"no at", func(a *accountsv1.Account) { a.Email = "anne.example.fr" }, []string{"account.email"}},
		{"spaces", func(a *accountsv1.Account) { a.Email = " anne@example.fr" }, []string{"account.email"}},
		{"too long e-mail", func(a *accountsv1.Account) { a.Email = strings.Repeat("a", 250) + "@x.fr" }, []string{"account.email"}},
		{"no e-mail", func(a *accountsv1.Account) { a.Email = "" }, []string{"account.email"}},
		{"no role", func(a *accountsv1.Account) { a.Role = 0 }, []string{"account.role"}},
		{"unknown role", func(a *accountsv1.Account) { a.Role = 99 }, []string{"account.role"}},
		{"no city", func(a *accountsv1.Account) { a.City = "" }, []string{"account.city"}},
		{"long city", func(a *accountsv1.Account) { a.City = strings.Repeat("é", 101) }, []string{"account.city"}},
		{"long name", func(a *accountsv1.Account) { a.FamilyName = strings.Repeat("x", 101) }, []string{"account.family_name"}},
		{"control character", func(a *accountsv1.Account) { a.GivenName = "An\nne" }, []string{"account.given_name"}},
		{"bad département", func(a *accountsv1.Account) { a.Departement = "44" }, []string{"account.departement"}},
		{"unknown département", func(a *accountsv1.Account) { a.Departement = "departements/99" }, []string{"account.departement", "account.departement"}},
		{"département of another territory", func(a *accountsv1.Account) { a.Departement = "departements/85" }, []string{"account.departement"}},
		{"unknown territory", func(a *accountsv1.Account) {
			a.Territory = "territories/SAS-99"
		}, []string{"account.territory"}},
		{"région of another département", func(a *accountsv1.Account) { a.Region = "regions/11" }, []string{"account.region"}},
		{"bad national id", func(a *accountsv1.Account) { a.NationalId = "12345" }, []string{"account.national_id"}},
		{"professional without national id", func(a *accountsv1.Account) { a.Role = accountsv1.Role_ROLE_PROFESSIONAL }, []string{"account.national_id"}},
		{"national id unknown to the directory", func(a *accountsv1.Account) { a.NationalId = "810009999999" }, []string{"account.national_id"}},
		{"national id inactive in the directory", func(a *accountsv1.Account) { a.NationalId = "810008888888" }, []string{"account.national_id"}},
		{"several fields", func(a *accountsv1.Account) { a.Email, a.City = "x", "" }, []string{"account.city", "account.email"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := accountOf("new@example.fr", accountsv1.Role_ROLE_ARM, "territories/SAS-44")
			tt.change(a)
			_, err := e.client.CreateAccount(e.as("nat"), &accountsv1.CreateAccountRequest{Account: a})
			wantCode(t, err, codes.InvalidArgument)
			if got := fields(err); !slices.Equal(got, tt.fields) {
				t.Fatalf("fields %v, want %v (%v)", got, tt.fields, err)
			}
		})
	}
}

func TestCreate(t *testing.T) {
	e := newEnv(t)
	in := accountOf("Nouveau.Venu@example.fr", accountsv1.Role_ROLE_PROFESSIONAL, "territories/SAS-44")
	in.NationalId, in.Profession, in.Name, in.State = "810001111111", "10", "accounts/ignored", accountsv1.Account_STATE_ACTIVE
	got, err := e.client.CreateAccount(e.as("ars44"), &accountsv1.CreateAccountRequest{Account: in})
	if err != nil {
		t.Fatal(err)
	}
	if got.State != accountsv1.Account_STATE_INVITED || got.Region != "regions/52" || got.Name == in.Name || got.Etag == "" {
		t.Fatalf("created %v", got)
	}
	again, err := e.client.GetAccount(e.as("ars44"), &accountsv1.GetAccountRequest{Name: got.Name})
	if err != nil || !proto.Equal(again, got) {
		t.Fatalf("get: %v, %v", again, err)
	}
	dup := accountOf("nouveau.venu@EXAMPLE.fr", accountsv1.Role_ROLE_ARM, "territories/SAS-44")
	_, err = e.client.CreateAccount(e.as("ars44"), &accountsv1.CreateAccountRequest{Account: dup})
	wantCode(t, err, codes.AlreadyExists)
	dup = accountOf("other@example.fr", accountsv1.Role_ROLE_PROFESSIONAL, "territories/SAS-44")
	dup.NationalId = in.NationalId
	_, err = e.client.CreateAccount(e.as("ars44"), &accountsv1.CreateAccountRequest{Account: dup})
	wantCode(t, err, codes.AlreadyExists)
	if !strings.Contains(err.Error(), "national id") {
		t.Fatalf("duplicate national id: %v", err)
	}
}

func TestUpdate(t *testing.T) {
	e := newEnv(t)
	ctx := e.as("ars44")
	arm := e.acc["arm44"]
	mask := func(paths ...string) *fieldmaskpb.FieldMask { return &fieldmaskpb.FieldMask{Paths: paths} }
	changed, err := e.client.UpdateAccount(ctx, &accountsv1.UpdateAccountRequest{
		Account:    &accountsv1.Account{Name: arm.Name, City: "Saint-Nazaire", FamilyName: "ignored", Etag: arm.Etag},
		UpdateMask: mask("city"),
	})
	if err != nil {
		t.Fatal(err)
	}
	if changed.City != "Saint-Nazaire" || changed.FamilyName != arm.FamilyName || changed.Etag == arm.Etag {
		t.Fatalf("updated %v", changed)
	}
	_, err = e.client.UpdateAccount(ctx, &accountsv1.UpdateAccountRequest{
		Account: &accountsv1.Account{Name: arm.Name, City: "Nantes", Etag: arm.Etag}, UpdateMask: mask("city")})
	wantCode(t, err, codes.Aborted)
	_, err = e.client.SuspendAccount(ctx, &accountsv1.SuspendAccountRequest{Name: arm.Name, Etag: arm.Etag})
	wantCode(t, err, codes.Aborted)
	for _, bad := range []*fieldmaskpb.FieldMask{nil, mask("state"), mask("name")} {
		_, err = e.client.UpdateAccount(ctx, &accountsv1.UpdateAccountRequest{Account: &accountsv1.Account{Name: arm.Name}, UpdateMask: bad})
		wantCode(t, err, codes.InvalidArgument)
		if f := fields(err); !slices.Equal(f, []string{"update_mask"}) {
			t.Fatalf("mask %v: fields %v", bad, f)
		}
	}
	_, err = e.client.UpdateAccount(ctx, &accountsv1.UpdateAccountRequest{
		Account: &accountsv1.Account{Name: arm.Name, Email: "bad"}, UpdateMask: mask("email")})
	if f := fields(err); !slices.Equal(f, []string{"account.email"}) {
		t.Fatalf("bad e-mail: %v", err)
	}
	_, err = e.client.UpdateAccount(ctx, &accountsv1.UpdateAccountRequest{
		Account: &accountsv1.Account{Name: arm.Name, Email: "ARS44@example.fr"}, UpdateMask: mask("email")})
	wantCode(t, err, codes.AlreadyExists)
	whole := accountOf("renamed@example.fr", accountsv1.Role_ROLE_OSNP, "territories/SAS-44")
	whole.Name = arm.Name
	got, err := e.client.UpdateAccount(ctx, &accountsv1.UpdateAccountRequest{Account: whole, UpdateMask: mask("*")})
	if err != nil || got.Email != "renamed@example.fr" || got.Role != accountsv1.Role_ROLE_OSNP || got.Region != "regions/52" {
		t.Fatalf("update *: %v, %v", got, err)
	}
	if _, err := e.client.DeleteAccount(ctx, &accountsv1.DeleteAccountRequest{Name: arm.Name}); err != nil {
		t.Fatal(err)
	}
	_, err = e.client.UpdateAccount(ctx, &accountsv1.UpdateAccountRequest{Account: whole, UpdateMask: mask("city")})
	wantCode(t, err, codes.FailedPrecondition)
}

func TestLifecycle(t *testing.T) {
	e := newEnv(t)
	ctx := e.as("ars44")
	name := e.acc["arm44"].Name
	a, err := e.client.SuspendAccount(ctx, &accountsv1.SuspendAccountRequest{Name: name, Etag: e.acc["arm44"].Etag})
	if err != nil || a.State != accountsv1.Account_STATE_SUSPENDED {
		t.Fatalf("suspend: %v, %v", a, err)
	}
	if a, err = e.client.ReactivateAccount(ctx, &accountsv1.ReactivateAccountRequest{Name: name}); err != nil || a.State != accountsv1.Account_STATE_INVITED {
		t.Fatalf("reactivate: %v, %v", a, err)
	}
	if _, err = e.client.DeleteAccount(ctx, &accountsv1.DeleteAccountRequest{Name: name, Etag: a.Etag}); err != nil {
		t.Fatal(err)
	}
	_, err = e.client.ReactivateAccount(ctx, &accountsv1.ReactivateAccountRequest{Name: name})
	wantCode(t, err, codes.FailedPrecondition)
	if _, err = e.client.DeleteAccount(ctx, &accountsv1.DeleteAccountRequest{Name: name}); err != nil {
		t.Fatalf("deleting again: %v", err)
	}
	got, _ := e.client.GetAccount(ctx, &accountsv1.GetAccountRequest{Name: name})
	if got.State != accountsv1.Account_STATE_DELETED || got.FamilyName != "" || !strings.HasSuffix(got.Email, "@erased.invalid") {
		t.Fatalf("deleted account: %v", got)
	}
}

func TestIdempotentRetries(t *testing.T) {
	e := newEnv(t)
	ctx := e.as("ars44")
	const id = "6f1c3c1e-8a43-4c6b-9f1e-0c2d3e4f5a6b"
	req := &accountsv1.CreateAccountRequest{Account: accountOf("once@example.fr", accountsv1.Role_ROLE_ARM, "territories/SAS-44"), RequestId: id}
	first, err := e.client.CreateAccount(ctx, req)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.client.SuspendAccount(ctx, &accountsv1.SuspendAccountRequest{Name: first.Name}); err != nil {
		t.Fatal(err)
	}
	again, err := e.client.CreateAccount(ctx, req)
	if err != nil {
		t.Fatal(err)
	}
	if !proto.Equal(first, again) {
		t.Fatalf("retry answered %v, first %v", again, first)
	}
	other := proto.Clone(req).(*accountsv1.CreateAccountRequest)
	other.Account.City = "Autre"
	_, err = e.client.CreateAccount(ctx, other)
	wantCode(t, err, codes.InvalidArgument)
	if f := fields(err); !slices.Equal(f, []string{"request_id"}) {
		t.Fatalf("reused request id: %v", err)
	}
	_, err = e.client.CreateAccount(ctx, &accountsv1.CreateAccountRequest{Account: req.Account, RequestId: "not-a-uuid"})
	wantCode(t, err, codes.InvalidArgument)
	// Another caller's request id is its own: its call runs (and finds the e-mail taken).
	_, err = e.client.CreateAccount(e.as("nat"), req)
	wantCode(t, err, codes.AlreadyExists)

	del := &accountsv1.DeleteAccountRequest{Name: e.acc["arm44"].Name, Etag: e.acc["arm44"].Etag, RequestId: "0f1c3c1e-8a43-4c6b-9f1e-0c2d3e4f5a6b"}
	for i := range 2 { // the etag went stale with the first call: only a replay answers OK
		if _, err := e.client.DeleteAccount(ctx, del); err != nil {
			t.Fatalf("delete %d: %v", i, err)
		}
	}
	upd := &accountsv1.UpdateAccountRequest{Account: &accountsv1.Account{Name: e.acc["pro44"].Name, City: "Rezé", Etag: e.acc["pro44"].Etag},
		UpdateMask: &fieldmaskpb.FieldMask{Paths: []string{"city"}}, RequestId: "1f1c3c1e-8a43-4c6b-9f1e-0c2d3e4f5a6b"}
	u1, err := e.client.UpdateAccount(ctx, upd)
	if err != nil {
		t.Fatal(err)
	}
	u2, err := e.client.UpdateAccount(ctx, upd)
	if err != nil || !proto.Equal(u1, u2) {
		t.Fatalf("update retry: %v, %v", u2, err)
	}
}

func TestListPages(t *testing.T) {
	e := newEnv(t)
	for i := range 12 {
		a := accountOf(fmt.Sprintf("user%02d@example.fr", i), accountsv1.Role_ROLE_OSNP, "territories/SAS-44")
		if err := e.db.CreateAccount(context.Background(), a, nil); err != nil {
			t.Fatal(err)
		}
	}
	ctx := e.as("ars44")
	req := &accountsv1.ListAccountsRequest{PageSize: 5, Filter: "role = ROLE_OSNP", OrderBy: "create_time desc"}
	var names []string
	for {
		resp, err := e.client.ListAccounts(ctx, req)
		if err != nil {
			t.Fatal(err)
		}
		for _, a := range resp.Accounts {
			names = append(names, a.Email)
		}
		if resp.NextPageToken == "" {
			break
		}
		req.PageToken = resp.NextPageToken
	}
	if len(names) != 12 || names[0] != "user11@example.fr" || names[11] != "user00@example.fr" {
		t.Fatalf("walked %v", names)
	}
	req.Filter = "role = ROLE_ARM"
	_, err := e.client.ListAccounts(ctx, req)
	wantCode(t, err, codes.InvalidArgument) // the token was for other parameters
	for _, bad := range []*accountsv1.ListAccountsRequest{{Filter: "role = ROLE_NOPE"}, {Filter: "city = x"},
		{OrderBy: "city"}, {PageSize: -1}, {Filter: "inactive = maybe"}, {Filter: "state = STATE_UNSPECIFIED"}} {
		_, err := e.client.ListAccounts(ctx, bad)
		wantCode(t, err, codes.InvalidArgument)
	}
	resp, err := e.client.ListAccounts(ctx, &accountsv1.ListAccountsRequest{Filter: "state = STATE_INVITED AND inactive = false", OrderBy: "family_name"})
	if err != nil || len(resp.Accounts) != 18 {
		t.Fatalf("filtered: %d, %v", len(resp.GetAccounts()), err)
	}
}

func TestExportAndErase(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	pro, del := e.acc["pro44"], e.acc["del44"]
	if err := e.db.CreateDelegation(ctx, store.AccountID(pro.Name), &accountsv1.Delegation{Delegate: del.Name}, nil); err != nil {
		t.Fatal(err)
	}
	e.srv.Extra = func(_ context.Context, name string) (map[string]any, error) {
		return map[string]any{"audit_events": []any{map[string]any{"target": name}}}, nil
	}
	got, err := e.client.ExportAccountData(e.as("pro44"), &accountsv1.ExportAccountDataRequest{Name: "accounts/me"})
	if err != nil {
		t.Fatal(err)
	}
	if got.Account.Email != pro.Email || len(got.Data.Fields["delegations_given"].GetListValue().GetValues()) != 1 ||
		len(got.Data.Fields["delegations_received"].GetListValue().GetValues()) != 0 {
		t.Fatalf("export: %v", got)
	}
	if ev := got.Data.Fields["audit_events"].GetListValue().GetValues(); len(ev) != 1 ||
		ev[0].GetStructValue().Fields["target"].GetStringValue() != pro.Name {
		t.Fatalf("extra records: %v", got.Data)
	}
	if got, err = e.client.ExportAccountData(e.as("ars44"), &accountsv1.ExportAccountDataRequest{Name: del.Name}); err != nil ||
		len(got.Data.Fields["delegations_received"].GetListValue().GetValues()) != 1 {
		t.Fatalf("admin export: %v, %v", got, err)
	}
	if _, err := e.client.EraseAccount(e.as("ars44"), &accountsv1.EraseAccountRequest{Name: pro.Name}); err != nil {
		t.Fatal(err)
	}
	erased, err := e.client.GetAccount(e.as("ars44"), &accountsv1.GetAccountRequest{Name: pro.Name})
	if err != nil {
		t.Fatal(err)
	}
	if erased.State != accountsv1.Account_STATE_DELETED || erased.NationalId != "" || erased.FamilyName != "" ||
		erased.GivenName != "" || erased.City != "" || strings.Contains(erased.Email, "pro44") {
		t.Fatalf("erased: %v", erased)
	}
	if got, _ := e.client.ExportAccountData(e.as("ars44"), &accountsv1.ExportAccountDataRequest{Name: del.Name}); len(got.GetData().GetFields()["delegations_received"].GetListValue().GetValues()) != 0 {
		t.Fatalf("grant of an erased grantor left: %v", got)
	}
}
