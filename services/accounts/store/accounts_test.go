package store

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"google.golang.org/protobuf/proto"

	accountsv1 "github.com/sas-platform/sas/gen/sas/accounts/v1"
	"github.com/sas-platform/sas/services/platform/dbtest"
	"github.com/sas-platform/sas/services/platform/store"
)

func TestAccountStore(t *testing.T) {
	dbtest.Run(t, "accounts", Migrations, map[string]func(*testing.T, dbtest.Engine){
		"create and get":        testCreateGet,
		"email unique any case": testEmailUnique,
		"update etag":           testUpdateAccountEtag,
		"states":                testStates,
		"sign in":               testSignIn,
		"sweep":                 testSweep,
		"erase":                 testErase,
		"list pages":            testListAccountPages,
		"list filters":          testListAccountFilters,
		"regulator changes":     testRegulatorChanges,
		"idempotent requests":   testRequests,
		"delegations":           testDelegations,
		"acts for":              testActsFor,
	})
}

func newAccount(email string, role accountsv1.Role, territory string) *accountsv1.Account {
	return &accountsv1.Account{Email: email, Role: role, City: "Nantes", Departement: "departements/44",
		Territory: territory, FamilyName: "Martin", GivenName: "Anne", Region: "regions/52"}
}

func mustCreate(t *testing.T, db *DB, a *accountsv1.Account) *accountsv1.Account {
	t.Helper()
	if err := db.CreateAccount(context.Background(), a, nil); err != nil {
		t.Fatalf("create %s: %v", a.Email, err)
	}
	return a
}

func testCreateGet(t *testing.T, e dbtest.Engine) {
	db, _ := seeded(t, e)
	ctx := context.Background()
	a := newAccount("Anne.Martin@example.fr", accountsv1.Role_ROLE_PROFESSIONAL, "territories/SAS-44")
	a.NationalId = "810001234567"
	mustCreate(t, db, a)
	if a.State != accountsv1.Account_STATE_INVITED || a.Etag == "" || len(AccountID(a.Name)) != 36 {
		t.Fatalf("created %v", a)
	}
	for name, get := range map[string]func() (*accountsv1.Account, error){
		"id":          func() (*accountsv1.Account, error) { return db.GetAccount(ctx, AccountID(a.Name)) },
		"email":       func() (*accountsv1.Account, error) { return db.AccountByEmail(ctx, "anne.martin@EXAMPLE.fr") },
		"national id": func() (*accountsv1.Account, error) { return db.AccountByNationalID(ctx, "810001234567") },
	} {
		got, err := get()
		if err != nil || !proto.Equal(got, a) {
			t.Errorf("by %s: %v, %v; want %v", name, got, err, a)
		}
	}
	if _, err := db.GetAccount(ctx, NewID()); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("unknown id: %v, want ErrNotFound", err)
	}
	if _, err := db.AccountByNationalID(ctx, ""); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("empty national id: %v, want ErrNotFound", err)
	}
	dup := newAccount("other@example.fr", accountsv1.Role_ROLE_PROFESSIONAL, "territories/SAS-44")
	dup.NationalId = a.NationalId
	if err := db.CreateAccount(ctx, dup, nil); !errors.Is(err, store.ErrAlreadyExists) {
		t.Errorf("second account of a national id: %v, want ErrAlreadyExists", err)
	}
	if err := db.CreateAccount(ctx, newAccount("x@example.fr", accountsv1.Role_ROLE_ARM, "territories/SAS-XX"), nil); !errors.Is(err, store.ErrFailedPrecondition) {
		t.Errorf("unknown territory: %v, want ErrFailedPrecondition", err)
	}
	if n, err := db.CountAccounts(ctx); n != 1 || err != nil {
		t.Errorf("CountAccounts = %d, %v; want 1", n, err)
	}
}

func testEmailUnique(t *testing.T, e dbtest.Engine) {
	db, _ := seeded(t, e)
	ctx := context.Background()
	mustCreate(t, db, newAccount("Anne@Example.fr", accountsv1.Role_ROLE_ARM, "territories/SAS-44"))
	if err := db.CreateAccount(ctx, newAccount("anne@example.FR", accountsv1.Role_ROLE_ARM, "territories/SAS-75"), nil); !errors.Is(err, store.ErrAlreadyExists) {
		t.Fatalf("same e-mail, other case: %v, want ErrAlreadyExists", err)
	}
	b := mustCreate(t, db, newAccount("bob@example.fr", accountsv1.Role_ROLE_ARM, "territories/SAS-44"))
	b.Email = "ANNE@example.fr"
	if err := db.UpdateAccount(ctx, b, "", nil); !errors.Is(err, store.ErrAlreadyExists) {
		t.Fatalf("update to a taken e-mail: %v, want ErrAlreadyExists", err)
	}
}

func testUpdateAccountEtag(t *testing.T, e dbtest.Engine) {
	db, _ := seeded(t, e)
	ctx := context.Background()
	a := mustCreate(t, db, newAccount("a@example.fr", accountsv1.Role_ROLE_ARM, "territories/SAS-44"))
	stale := proto.Clone(a).(*accountsv1.Account)
	a.City, a.Territory = "Paris", "territories/SAS-75"
	if err := db.UpdateAccount(ctx, a, a.Etag, nil); err != nil {
		t.Fatal(err)
	}
	if a.Etag == stale.Etag || a.City != "Paris" || a.Territory != "territories/SAS-75" {
		t.Fatalf("updated: %v", a)
	}
	stale.City = "lost update"
	if err := db.UpdateAccount(ctx, stale, stale.Etag, nil); !errors.Is(err, store.ErrConflict) {
		t.Fatalf("stale etag: %v, want ErrConflict", err)
	}
	if got, _ := db.GetAccount(ctx, AccountID(a.Name)); !proto.Equal(got, a) {
		t.Fatalf("got %v, want %v", got, a)
	}
	ghost := newAccount("g@example.fr", accountsv1.Role_ROLE_ARM, "territories/SAS-44")
	ghost.Name = "accounts/" + NewID()
	if err := db.UpdateAccount(ctx, ghost, "", nil); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("unknown account: %v, want ErrNotFound", err)
	}
}

func testStates(t *testing.T, e dbtest.Engine) {
	db, _ := seeded(t, e)
	ctx := context.Background()
	a := mustCreate(t, db, newAccount("a@example.fr", accountsv1.Role_ROLE_ARM, "territories/SAS-44"))
	id := AccountID(a.Name)
	steps := []struct {
		t    Transition
		etag string
		want accountsv1.Account_State
		err  error
	}{
		{Suspend, "stale", 0, store.ErrConflict},
		{Suspend, a.Etag, accountsv1.Account_STATE_SUSPENDED, nil},
		{Suspend, "", accountsv1.Account_STATE_SUSPENDED, nil},
		{Reactivate, "", accountsv1.Account_STATE_INVITED, nil}, // never signed in
		{Delete, "", accountsv1.Account_STATE_DELETED, nil},
		{Delete, "", accountsv1.Account_STATE_DELETED, nil},
		{Reactivate, "", 0, store.ErrFailedPrecondition},
		{Suspend, "", 0, store.ErrFailedPrecondition},
	}
	for i, s := range steps {
		got, err := db.ChangeState(ctx, id, s.etag, s.t, nil)
		if !errors.Is(err, s.err) || (err == nil && got.State != s.want) {
			t.Fatalf("step %d: %v, %v; want %v, %v", i, got, err, s.want, s.err)
		}
	}
	got, _ := db.GetAccount(ctx, id)
	if got.Email != ErasedEmail(id) || got.FamilyName != "" || got.City != "" {
		t.Fatalf("a deleted account keeps personal data: %v", got)
	}
	if _, err := db.ChangeState(ctx, NewID(), "", Suspend, nil); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("unknown account: %v", err)
	}
	mustCreate(t, db, newAccount("a@example.fr", accountsv1.Role_ROLE_ARM, "territories/SAS-44")) // e-mail free again
}

func testSignIn(t *testing.T, e dbtest.Engine) {
	db, _ := seeded(t, e)
	ctx := context.Background()
	a := mustCreate(t, db, newAccount("a@example.fr", accountsv1.Role_ROLE_ARM, "territories/SAS-44"))
	id, now := AccountID(a.Name), time.Now().Truncate(time.Microsecond)
	err := db.MarkSignedIn(ctx, id, now)
	got, _ := db.GetAccount(ctx, id)
	if err != nil || got.State != accountsv1.Account_STATE_ACTIVE || !got.LastSignInTime.AsTime().Equal(now) {
		t.Fatalf("first sign-in: %v, %v", got, err)
	}
	err = db.MarkSignedIn(ctx, id, now.Add(time.Hour))
	again, _ := db.GetAccount(ctx, id)
	if err != nil || again.Etag != got.Etag || !again.LastSignInTime.AsTime().Equal(now.Add(time.Hour)) {
		t.Fatalf("second sign-in: %v, %v (etag was %s)", again, err, got.Etag)
	}
	if _, err := db.ChangeState(ctx, id, "", Suspend, nil); err != nil {
		t.Fatal(err)
	}
	if err := db.MarkSignedIn(ctx, id, now); !errors.Is(err, store.ErrFailedPrecondition) {
		t.Fatalf("suspended sign-in: %v, want ErrFailedPrecondition", err)
	}
	back, _ := db.ChangeState(ctx, id, "", Reactivate, nil)
	if back.State != accountsv1.Account_STATE_ACTIVE {
		t.Fatalf("reactivated a signed-in account to %v", back.State)
	}
	if err := db.MarkSignedIn(ctx, NewID(), now); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("unknown account: %v", err)
	}
}

func testSweep(t *testing.T, e dbtest.Engine) {
	db, _ := seeded(t, e)
	ctx := context.Background()
	const inactive, purge = 180 * 24 * time.Hour, 90 * 24 * time.Hour
	now := time.Now()
	never := mustCreate(t, db, newAccount("never@example.fr", accountsv1.Role_ROLE_ARM, "territories/SAS-44"))
	recent := mustCreate(t, db, newAccount("recent@example.fr", accountsv1.Role_ROLE_ARM, "territories/SAS-44"))
	old := mustCreate(t, db, newAccount("old@example.fr", accountsv1.Role_ROLE_ARM, "territories/SAS-44"))
	if err := db.MarkSignedIn(ctx, AccountID(old.Name), now.Add(-10*24*time.Hour)); err != nil {
		t.Fatal(err)
	}
	later := now.Add(inactive - 20*24*time.Hour) // old: 170 days since its sign-in, never: 160 since creation
	if err := db.MarkSignedIn(ctx, AccountID(recent.Name), later); err != nil {
		t.Fatal(err)
	}
	if f, p, err := db.Sweep(ctx, later, inactive, purge); f != 0 || p != 0 || err != nil {
		t.Fatalf("sweep at %v: flagged %d, purged %d, %v; want none", later, f, p, err)
	}
	at := now.Add(inactive + time.Hour)
	if f, p, err := db.Sweep(ctx, at, inactive, purge); f != 2 || p != 0 || err != nil {
		t.Fatalf("sweep: flagged %d, purged %d, %v; want 2, 0", f, p, err)
	}
	for _, a := range []*accountsv1.Account{never, old} {
		if got, _ := db.GetAccount(ctx, AccountID(a.Name)); !got.Inactive {
			t.Fatalf("%s not flagged", got.Email)
		}
	}
	if err := db.MarkSignedIn(ctx, AccountID(old.Name), at); err != nil { // signing in clears the flag
		t.Fatal(err)
	}
	if f, p, err := db.Sweep(ctx, at.Add(purge+time.Hour), inactive, purge); f != 0 || p != 1 || err != nil {
		t.Fatalf("second sweep: flagged %d, purged %d, %v; want 0, 1", f, p, err)
	}
	got, _ := db.GetAccount(ctx, AccountID(never.Name))
	if got.State != accountsv1.Account_STATE_DELETED || got.Email != ErasedEmail(AccountID(never.Name)) {
		t.Fatalf("purged account: %v", got)
	}
	if got, _ := db.GetAccount(ctx, AccountID(old.Name)); got.Inactive || got.State != accountsv1.Account_STATE_ACTIVE {
		t.Fatalf("account that signed in again: %v", got)
	}
}

func testErase(t *testing.T, e dbtest.Engine) {
	db, _ := seeded(t, e)
	ctx := context.Background()
	pro := newAccount("pro@example.fr", accountsv1.Role_ROLE_PROFESSIONAL, "territories/SAS-44")
	pro.NationalId = "810001234567"
	mustCreate(t, db, pro)
	del := mustCreate(t, db, newAccount("del@example.fr", accountsv1.Role_ROLE_DELEGATE, "territories/SAS-44"))
	g := &accountsv1.Delegation{Delegate: del.Name}
	r := &Request{Caller: pro.Name, ID: NewID(), Method: "m", Hash: []byte{1}}
	if err := db.CreateDelegation(ctx, AccountID(pro.Name), g, r); err != nil {
		t.Fatal(err)
	}
	if err := db.EraseAccount(ctx, AccountID(pro.Name), nil); err != nil {
		t.Fatal(err)
	}
	got, _ := db.GetAccount(ctx, AccountID(pro.Name))
	want := &accountsv1.Account{Name: pro.Name, Email: ErasedEmail(AccountID(pro.Name)), Role: pro.Role,
		Departement: pro.Departement, Territory: pro.Territory, Region: pro.Region, State: accountsv1.Account_STATE_DELETED}
	got.CreateTime, got.UpdateTime, got.Etag = nil, nil, ""
	if !proto.Equal(got, want) {
		t.Fatalf("erased: %v, want %v", got, want)
	}
	if _, err := db.AccountByNationalID(ctx, "810001234567"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("national id still found: %v", err)
	}
	if given, received, _ := db.DelegationsOf(ctx, AccountID(del.Name)); len(given)+len(received) != 0 {
		t.Fatalf("grants left: %v %v", given, received)
	}
	if _, err := db.Answer(ctx, *r); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("stored answer about the erased account: %v", err)
	}
	if err := db.EraseAccount(ctx, NewID(), nil); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("unknown account: %v", err)
	}
}

func testListAccountPages(t *testing.T, e dbtest.Engine) {
	db, _ := seeded(t, e)
	ctx := context.Background()
	for i := range 25 {
		a := newAccount(fmt.Sprintf("User%02d@example.fr", 24-i), accountsv1.Role_ROLE_ARM, "territories/SAS-44")
		a.FamilyName = []string{"Martin", "Bernard", "Dubois"}[i%3]
		mustCreate(t, db, a)
	}
	mustCreate(t, db, newAccount("paris@example.fr", accountsv1.Role_ROLE_ARM, "territories/SAS-75"))
	for _, o := range []Order{ByEmail, ByCreateTimeDesc, ByFamilyName} {
		var all []*accountsv1.Account
		var after *Position
		for {
			page, err := db.ListAccounts(ctx, AccountQuery{Territory: "territories/SAS-44", Order: o, After: after, Limit: 7})
			if err != nil {
				t.Fatal(err)
			}
			all = append(all, page...)
			if len(page) < 7 {
				break
			}
			p := PositionOf(page[len(page)-1], o)
			after = &p
		}
		if len(all) != 25 {
			t.Fatalf("order %d: walked %d accounts, want 25", o, len(all))
		}
		for i := 1; i < len(all); i++ {
			if !sorted(all[i-1], all[i], o) {
				t.Fatalf("order %d: %v before %v", o, all[i-1], all[i])
			}
		}
	}
}

func sorted(a, b *accountsv1.Account, o Order) bool {
	switch o {
	case ByCreateTimeDesc:
		ta, tb := a.CreateTime.AsTime(), b.CreateTime.AsTime()
		return ta.After(tb) || ta.Equal(tb) && a.Name > b.Name
	case ByFamilyName:
		return a.FamilyName < b.FamilyName || a.FamilyName == b.FamilyName && a.Name < b.Name
	}
	return EmailKey(a.Email) < EmailKey(b.Email)
}

func testListAccountFilters(t *testing.T, e dbtest.Engine) {
	db, _ := seeded(t, e)
	ctx := context.Background()
	arm := mustCreate(t, db, newAccount("arm@example.fr", accountsv1.Role_ROLE_ARM, "territories/SAS-44"))
	mustCreate(t, db, newAccount("nat@example.fr", accountsv1.Role_ROLE_NATIONAL_ADMIN, "territories/SAS-44"))
	mustCreate(t, db, newAccount("ars@example.fr", accountsv1.Role_ROLE_ARS_ACCOUNT_MANAGER, "territories/SAS-44"))
	mustCreate(t, db, newAccount("paris@example.fr", accountsv1.Role_ROLE_ARM, "territories/SAS-75"))
	if _, err := db.ChangeState(ctx, AccountID(arm.Name), "", Suspend, nil); err != nil {
		t.Fatal(err)
	}
	no := false
	tests := []struct {
		name string
		q    AccountQuery
		want []string
	}{
		{"territory", AccountQuery{Territory: "territories/SAS-44"}, []string{"arm", "ars", "nat"}},
		{"hide national admins", AccountQuery{Territory: "territories/SAS-44", HideRole: accountsv1.Role_ROLE_NATIONAL_ADMIN}, []string{"arm", "ars"}},
		{"role", AccountQuery{Role: accountsv1.Role_ROLE_ARM}, []string{"arm", "paris"}},
		{"state", AccountQuery{State: accountsv1.Account_STATE_SUSPENDED}, []string{"arm"}},
		{"inactive", AccountQuery{Inactive: &no, Territory: "territories/SAS-75"}, []string{"paris"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.q.Limit = 100
			got, err := db.ListAccounts(ctx, tt.q)
			if err != nil {
				t.Fatal(err)
			}
			var emails []string
			for _, a := range got {
				emails = append(emails, a.Email[:len(a.Email)-len("@example.fr")])
			}
			if fmt.Sprint(emails) != fmt.Sprint(tt.want) {
				t.Fatalf("got %v, want %v", emails, tt.want)
			}
		})
	}
}

func testRegulatorChanges(t *testing.T, e dbtest.Engine) {
	db, _ := seeded(t, e)
	ctx := context.Background()
	arm := mustCreate(t, db, newAccount("arm@example.fr", accountsv1.Role_ROLE_ARM, "territories/SAS-44"))
	mustCreate(t, db, newAccount("pro@example.fr", accountsv1.Role_ROLE_PROFESSIONAL, "territories/SAS-44"))
	doc := mustCreate(t, db, newAccount("doc@example.fr", accountsv1.Role_ROLE_REGULATING_DOCTOR, "territories/SAS-75"))
	if _, err := db.ChangeState(ctx, AccountID(arm.Name), "", Suspend, nil); err != nil {
		t.Fatal(err)
	}
	doc.Role = accountsv1.Role_ROLE_PROFESSIONAL // no longer a regulator: vendors must hear of it
	if err := db.UpdateAccount(ctx, doc, "", nil); err != nil {
		t.Fatal(err)
	}
	all, err := db.RegulatorChanges(ctx, 0, 10)
	if err != nil {
		t.Fatal(err)
	}
	if len(all) != 2 || all[0].Account.Name != arm.Name || all[1].Account.Name != doc.Name || all[0].Seq >= all[1].Seq {
		t.Fatalf("changes: %v", all)
	}
	if all[0].Account.State != accountsv1.Account_STATE_SUSPENDED || all[1].Account.Role != accountsv1.Role_ROLE_PROFESSIONAL {
		t.Fatalf("changes carry the old rows: %v", all)
	}
	if rest, _ := db.RegulatorChanges(ctx, all[0].Seq, 10); len(rest) != 1 || rest[0].Account.Name != doc.Name {
		t.Fatalf("after %d: %v", all[0].Seq, rest)
	}
	if first, _ := db.RegulatorChanges(ctx, 0, 1); len(first) != 1 || first[0].Seq != all[0].Seq {
		t.Fatalf("limit 1: %v", first)
	}
}

func testRequests(t *testing.T, e dbtest.Engine) {
	db, _ := seeded(t, e)
	ctx := context.Background()
	r := Request{Caller: "accounts/admin", ID: NewID(), Method: "/create", Hash: []byte("h1")}
	if _, err := db.Answer(ctx, r); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("new request: %v", err)
	}
	a := mustCreateWith(t, db, "a@example.fr", &r)
	raw, err := db.Answer(ctx, r)
	if err != nil {
		t.Fatal(err)
	}
	first := &accountsv1.Account{}
	if err := proto.Unmarshal(raw, first); err != nil || !proto.Equal(first, a) {
		t.Fatalf("answer %v, %v; want %v", first, err, a)
	}
	if err := db.CreateAccount(ctx, newAccount("b@example.fr", accountsv1.Role_ROLE_ARM, "territories/SAS-44"), &r); !errors.Is(err, ErrRequestAnswered) {
		t.Fatalf("same request id again: %v, want ErrRequestAnswered", err)
	}
	if _, err := db.AccountByEmail(ctx, "b@example.fr"); !errors.Is(err, store.ErrNotFound) {
		t.Fatal("the refused retry wrote its account")
	}
	other := r
	other.Hash = []byte("h2")
	if _, err := db.Answer(ctx, other); !errors.Is(err, ErrRequestReused) {
		t.Fatalf("other parameters: %v, want ErrRequestReused", err)
	}
	someoneElse := r
	someoneElse.Caller = "accounts/other"
	if _, err := db.Answer(ctx, someoneElse); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("another caller's id: %v, want ErrNotFound", err)
	}
	del := Request{Caller: "accounts/admin", ID: NewID(), Method: "/delete", Hash: []byte("h")}
	if _, err := db.ChangeState(ctx, AccountID(a.Name), "", Delete, &del); err != nil {
		t.Fatal(err)
	}
	if n, err := db.ForgetRequests(ctx, time.Now().Add(time.Minute)); n != 1 || err != nil { // the create's answer went with the tombstone
		t.Fatalf("ForgetRequests = %d, %v; want 1", n, err)
	}
}

func mustCreateWith(t *testing.T, db *DB, email string, r *Request) *accountsv1.Account {
	t.Helper()
	a := newAccount(email, accountsv1.Role_ROLE_ARM, "territories/SAS-44")
	if err := db.CreateAccount(context.Background(), a, r); err != nil {
		t.Fatal(err)
	}
	return a
}
