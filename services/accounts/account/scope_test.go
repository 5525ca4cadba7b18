package account_test

import (
	"context"
	"testing"

	"google.golang.org/grpc/codes"
	"google.golang.org/protobuf/types/known/fieldmaskpb"

	accountsv1 "github.com/sas-platform/sas/gen/sas/accounts/v1"
)

// TestScope is the matrix of callers × accounts: a territorial admin of
// SAS-44 against accounts of SAS-44 and SAS-75, a referent, a national
// admin, and roles the policy keeps out.
func TestScope(t *testing.T) {
	get := func(target string) func(*env, context.Context, accountsv1.AccountServiceClient) error {
		return func(e *env, ctx context.Context, c accountsv1.AccountServiceClient) error {
			_, err := c.GetAccount(ctx, &accountsv1.GetAccountRequest{Name: e.name(target)})
			return err
		}
	}
	create := func(role accountsv1.Role, territory string) func(*env, context.Context, accountsv1.AccountServiceClient) error {
		return func(_ *env, ctx context.Context, c accountsv1.AccountServiceClient) error {
			_, err := c.CreateAccount(ctx, &accountsv1.CreateAccountRequest{Account: accountOf("new@example.fr", role, territory)})
			return err
		}
	}
	update := func(target string, change func(*accountsv1.Account), paths ...string) func(*env, context.Context, accountsv1.AccountServiceClient) error {
		return func(e *env, ctx context.Context, c accountsv1.AccountServiceClient) error {
			a := &accountsv1.Account{Name: e.name(target)}
			change(a)
			_, err := c.UpdateAccount(ctx, &accountsv1.UpdateAccountRequest{Account: a, UpdateMask: &fieldmaskpb.FieldMask{Paths: paths}})
			return err
		}
	}
	suspend := func(target string) func(*env, context.Context, accountsv1.AccountServiceClient) error {
		return func(e *env, ctx context.Context, c accountsv1.AccountServiceClient) error {
			_, err := c.SuspendAccount(ctx, &accountsv1.SuspendAccountRequest{Name: e.name(target)})
			return err
		}
	}
	erase := func(target string) func(*env, context.Context, accountsv1.AccountServiceClient) error {
		return func(e *env, ctx context.Context, c accountsv1.AccountServiceClient) error {
			_, err := c.EraseAccount(ctx, &accountsv1.EraseAccountRequest{Name: e.name(target)})
			return err
		}
	}
	export := func(target string) func(*env, context.Context, accountsv1.AccountServiceClient) error {
		return func(e *env, ctx context.Context, c accountsv1.AccountServiceClient) error {
			_, err := c.ExportAccountData(ctx, &accountsv1.ExportAccountDataRequest{Name: e.name(target)})
			return err
		}
	}
	list := func(filter string) func(*env, context.Context, accountsv1.AccountServiceClient) error {
		return func(_ *env, ctx context.Context, c accountsv1.AccountServiceClient) error {
			_, err := c.ListAccounts(ctx, &accountsv1.ListAccountsRequest{Filter: filter})
			return err
		}
	}
	city := func(a *accountsv1.Account) { a.City = "Saint-Nazaire" }
	to75 := func(a *accountsv1.Account) { a.Territory, a.Departement = "territories/SAS-75", "departements/75" }
	toAdmin := func(a *accountsv1.Account) { a.Role = accountsv1.Role_ROLE_ARS_ACCOUNT_MANAGER }
	tests := []struct {
		caller string
		what   string
		call   func(*env, context.Context, accountsv1.AccountServiceClient) error
		want   codes.Code
	}{
		{"ars44", "get arm44", get("arm44"), codes.OK},
		{"ars44", "get fellow admin ars44b", get("ars44b"), codes.OK},
		{"ars44", "get arm75", get("arm75"), codes.NotFound},
		{"ars44", "get a missing account", get("ghost"), codes.NotFound},
		{"ars44", "get national admin", get("nat"), codes.NotFound},
		{"ars44", "get me", get("me"), codes.OK},
		{"ref44", "get arm44", get("arm44"), codes.OK},
		{"ref44", "get arm75", get("arm75"), codes.NotFound},
		{"nat", "get arm75", get("arm75"), codes.OK},
		{"arm44", "get me", get("me"), codes.OK},
		{"arm44", "get own name", get("arm44"), codes.OK},
		{"arm44", "get arm75", get("arm75"), codes.PermissionDenied},
		{"del44", "get pro44", get("pro44"), codes.PermissionDenied},

		{"ars44", "create ARM in SAS-44", create(accountsv1.Role_ROLE_ARM, "territories/SAS-44"), codes.OK},
		{"ars44", "create ARM in SAS-75", create(accountsv1.Role_ROLE_ARM, "territories/SAS-75"), codes.PermissionDenied},
		{"ars44", "create ARS in SAS-44", create(accountsv1.Role_ROLE_ARS_ACCOUNT_MANAGER, "territories/SAS-44"), codes.PermissionDenied},
		{"ars44", "create national admin", create(accountsv1.Role_ROLE_NATIONAL_ADMIN, "territories/SAS-44"), codes.PermissionDenied},
		{"nat", "create ARS in SAS-75", create(accountsv1.Role_ROLE_ARS_ACCOUNT_MANAGER, "territories/SAS-75"), codes.OK},
		{"ref44", "create ARM in SAS-44", create(accountsv1.Role_ROLE_ARM, "territories/SAS-44"), codes.PermissionDenied},
		{"arm44", "create ARM in SAS-44", create(accountsv1.Role_ROLE_ARM, "territories/SAS-44"), codes.PermissionDenied},

		{"ars44", "update arm44", update("arm44", city, "city"), codes.OK},
		{"ars44", "update arm75", update("arm75", city, "city"), codes.NotFound},
		{"ars44", "move arm44 to SAS-75", update("arm44", to75, "territory", "departement"), codes.PermissionDenied},
		{"ars44", "make arm44 an admin", update("arm44", toAdmin, "role"), codes.PermissionDenied},
		{"ars44", "update fellow admin", update("ars44b", city, "city"), codes.PermissionDenied},
		{"nat", "move arm44 to SAS-75", update("arm44", to75, "territory", "departement"), codes.OK},
		{"arm44", "update me", update("me", city, "city"), codes.PermissionDenied},

		{"ars44", "suspend arm44", suspend("arm44"), codes.OK},
		{"ars44", "suspend arm75", suspend("arm75"), codes.NotFound},
		{"ars44", "suspend ars44b", suspend("ars44b"), codes.PermissionDenied},
		{"nat", "suspend itself", suspend("me"), codes.FailedPrecondition},
		{"nat", "suspend ars75", suspend("ars75"), codes.OK},
		{"ref44", "suspend arm44", suspend("arm44"), codes.PermissionDenied},

		{"ars44", "erase arm44", erase("arm44"), codes.OK},
		{"ars44", "erase arm75", erase("arm75"), codes.NotFound},
		{"arm44", "erase me", erase("me"), codes.PermissionDenied},

		{"arm44", "export me", export("me"), codes.OK},
		{"arm44", "export arm75", export("arm75"), codes.PermissionDenied},
		{"ars44", "export arm44", export("arm44"), codes.OK},
		{"ars44", "export arm75", export("arm75"), codes.NotFound},
		{"ref44", "export arm44", export("arm44"), codes.PermissionDenied},

		{"ars44", "list", list(""), codes.OK},
		{"ars44", "list SAS-75", list(`territory = "territories/SAS-75"`), codes.PermissionDenied},
		{"ref44", "list SAS-44", list(`territory = "territories/SAS-44"`), codes.OK},
		{"nat", "list SAS-75", list(`territory = "territories/SAS-75"`), codes.OK},
		{"arm44", "list", list(""), codes.PermissionDenied},
		{"pro44", "list", list(""), codes.PermissionDenied},
	}
	for _, tt := range tests {
		t.Run(tt.caller+" "+tt.what, func(t *testing.T) {
			e := newEnv(t)
			wantCode(t, tt.call(e, e.as(tt.caller), e.client), tt.want)
		})
	}
}

// name is the resource name of cast member key, "accounts/me", or a
// well-formed name of no account ("ghost").
func (e *env) name(key string) string {
	switch key {
	case "me":
		return "accounts/me"
	case "ghost":
		return "accounts/00000000-0000-4000-8000-000000000000"
	}
	return e.acc[key].Name
}

func TestListScope(t *testing.T) {
	e := newEnv(t)
	for caller, want := range map[string][]string{
		"ars44": {"arm44", "ars44", "ars44b", "del44", "pro44", "ref44"},
		"nat":   {"arm44", "arm75", "ars44", "ars44b", "ars75", "del44", "nat", "pro44", "ref44"},
	} {
		resp, err := e.client.ListAccounts(e.as(caller), &accountsv1.ListAccountsRequest{})
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, a := range resp.Accounts {
			got = append(got, a.Email[:len(a.Email)-len("@example.fr")])
		}
		if len(got) != len(want) {
			t.Fatalf("%s lists %v, want %v", caller, got, want)
		}
		for i := range got {
			if got[i] != want[i] {
				t.Fatalf("%s lists %v, want %v", caller, got, want)
			}
		}
	}
}
