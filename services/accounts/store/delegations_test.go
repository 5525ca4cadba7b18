package store

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/timestamppb"

	accountsv1 "github.com/sas-platform/sas/gen/sas/accounts/v1"
	"github.com/sas-platform/sas/services/platform/dbtest"
	"github.com/sas-platform/sas/services/platform/store"
)

// grantors creates a professional, a structure manager and two delegates.
func grantors(t *testing.T, db *DB) (pro, msp, del1, del2 string) {
	p := newAccount("pro@example.fr", accountsv1.Role_ROLE_PROFESSIONAL, "territories/SAS-44")
	p.NationalId = "810001234567"
	m := newAccount("msp@example.fr", accountsv1.Role_ROLE_STRUCTURE_MANAGER, "territories/SAS-75")
	d1 := newAccount("d1@example.fr", accountsv1.Role_ROLE_DELEGATE, "territories/SAS-44")
	d2 := newAccount("d2@example.fr", accountsv1.Role_ROLE_DELEGATE, "territories/SAS-44")
	for _, a := range []*accountsv1.Account{p, m, d1, d2} {
		mustCreate(t, db, a)
	}
	return AccountID(p.Name), AccountID(m.Name), AccountID(d1.Name), AccountID(d2.Name)
}

func grant(t *testing.T, db *DB, grantor, delegate string, expire *timestamppb.Timestamp, pros ...string) *accountsv1.Delegation {
	t.Helper()
	g := &accountsv1.Delegation{Delegate: "accounts/" + delegate, Professionals: pros, ExpireTime: expire}
	if err := db.CreateDelegation(context.Background(), grantor, g, nil); err != nil {
		t.Fatal(err)
	}
	return g
}

func testDelegations(t *testing.T, e dbtest.Engine) {
	db, _ := seeded(t, e)
	ctx := context.Background()
	pro, msp, d1, d2 := grantors(t, db)
	g1 := grant(t, db, pro, d1, nil)
	g2 := grant(t, db, msp, d1, nil, "professionals/810009999999", "professionals/810001234567")
	g3 := grant(t, db, msp, d2, timestamppb.New(time.Now().Add(time.Hour).Truncate(time.Microsecond)), "professionals/810009999999")
	got, err := db.GetDelegation(ctx, msp, g3.Name[len(g3.Name)-36:])
	if err != nil || !proto.Equal(got, g3) {
		t.Fatalf("get: %v, %v; want %v", got, err, g3)
	}
	if _, err := db.GetDelegation(ctx, pro, g3.Name[len(g3.Name)-36:]); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("grant under another grantor: %v, want ErrNotFound", err)
	}
	tests := []struct {
		name string
		q    DelegationQuery
		want []*accountsv1.Delegation
	}{
		{"given", DelegationQuery{Grantor: msp}, []*accountsv1.Delegation{g2, g3}},
		{"received", DelegationQuery{Delegate: d1}, []*accountsv1.Delegation{g1, g2}},
		{"professional listed", DelegationQuery{Professional: "810009999999"}, []*accountsv1.Delegation{g2, g3}},
		{"professional granting itself", DelegationQuery{Professional: "810001234567"}, []*accountsv1.Delegation{g1, g2}},
		{"territory of the grantor", DelegationQuery{Territory: "territories/SAS-44"}, []*accountsv1.Delegation{g1}},
		{"page", DelegationQuery{After: ptr(DelegationPosition(g1)), Limit: 1}, []*accountsv1.Delegation{g2}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.q.Limit == 0 {
				tt.q.Limit = 10
			}
			got, err := db.ListDelegations(ctx, tt.q)
			if err != nil {
				t.Fatal(err)
			}
			if fmt.Sprint(got) != fmt.Sprint(tt.want) {
				t.Fatalf("got %v, want %v", got, tt.want)
			}
		})
	}
	if err := db.DeleteDelegation(ctx, msp, g2.Name[len(g2.Name)-36:], nil); err != nil {
		t.Fatal(err)
	}
	if err := db.DeleteDelegation(ctx, msp, g2.Name[len(g2.Name)-36:], nil); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("second revocation: %v, want ErrNotFound", err)
	}
	if err := db.CreateDelegation(ctx, pro, &accountsv1.Delegation{Delegate: "accounts/" + NewID()}, nil); !errors.Is(err, store.ErrFailedPrecondition) {
		t.Fatalf("unknown delegate: %v, want ErrFailedPrecondition", err)
	}
}

func ptr[T any](v T) *T { return &v }

func testActsFor(t *testing.T, e dbtest.Engine) {
	db, _ := seeded(t, e)
	ctx := context.Background()
	pro, msp, d1, d2 := grantors(t, db)
	grant(t, db, pro, d1, nil)
	g := grant(t, db, msp, d1, nil, "professionals/810009999999", "professionals/810001234567")
	grant(t, db, msp, d2, timestamppb.New(time.Now().Add(-time.Minute)), "professionals/810008888888") // expired
	want := func(id string, nids ...string) {
		t.Helper()
		got, err := db.ActsFor(ctx, id)
		if err != nil || fmt.Sprint(got) != fmt.Sprint(nids) {
			t.Fatalf("ActsFor: %v, %v; want %v", got, err, nids)
		}
	}
	want(d1, "810001234567", "810009999999")
	want(d2)
	want(pro)
	if err := db.DeleteDelegation(ctx, msp, g.Name[len(g.Name)-36:], nil); err != nil {
		t.Fatal(err)
	}
	want(d1, "810001234567")
	if _, err := db.ChangeState(ctx, pro, "", Suspend, nil); err != nil {
		t.Fatal(err)
	}
	want(d1) // a suspended grantor's grants do not count
}
