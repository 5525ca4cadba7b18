package store

import (
	"context"
	"testing"

	"github.com/jackc/pgx/v5/stdlib"

	accountsv1 "github.com/sas-platform/sas/gen/sas/accounts/v1"
	"github.com/sas-platform/sas/services/accounts/territory"
	"github.com/sas-platform/sas/services/platform/postgres"
	"github.com/sas-platform/sas/services/platform/postgres/pgtest"
)

// benchAccounts is how many accounts the benchmark's territory holds.
const benchAccounts = 100_000

// BenchmarkListTerritoryPostgres lists pages of one territory holding
// 100,000 accounts (and as many in another), as ListAccounts does for a
// territorial admin.
func BenchmarkListTerritoryPostgres(b *testing.B) {
	ctx := context.Background()
	db := New(stdlib.OpenDBFromPool(pgtest.New(b, "accounts", Migrations("postgres"))), postgres.ClassifyError)
	ref, err := territory.LoadReference()
	if err != nil {
		b.Fatal(err)
	}
	if err := db.SeedReference(ctx, ref); err != nil {
		b.Fatal(err)
	}
	seedAccounts(b, db, "territories/SAS-44", 0)
	seedAccounts(b, db, "territories/SAS-75", benchAccounts)
	if _, err := db.db.ExecContext(ctx, `ANALYZE accounts`); err != nil {
		b.Fatal(err)
	}
	middle := &Position{Key: "user0050000@example.fr"}
	cases := []struct {
		name string
		q    AccountQuery
	}{
		{"first page", AccountQuery{}},
		{"middle page", AccountQuery{After: middle}},
		{"role", AccountQuery{Role: accountsv1.Role_ROLE_OSNP}},
		{"state and hidden role", AccountQuery{State: accountsv1.Account_STATE_ACTIVE, HideRole: accountsv1.Role_ROLE_NATIONAL_ADMIN, After: middle}},
		{"newest", AccountQuery{Order: ByCreateTimeDesc}},
		{"family name, middle", AccountQuery{Order: ByFamilyName, After: &Position{Key: "Nom0050000", ID: "0"}}},
	}
	for _, c := range cases {
		b.Run(c.name, func(b *testing.B) {
			q := c.q
			q.Territory, q.Limit = "territories/SAS-44", 51
			for b.Loop() {
				page, err := db.ListAccounts(ctx, q)
				if err != nil || len(page) != 51 {
					b.Fatalf("%d accounts, %v", len(page), err)
				}
			}
		})
	}
}

// seedAccounts bulk-inserts benchAccounts accounts in territory, numbered
// from offset, of rotating roles and states.
func seedAccounts(b *testing.B, db *DB, territory string, offset int) {
	b.Helper()
	_, err := db.db.ExecContext(context.Background(), `INSERT INTO accounts (id, email, email_key, role, city, departement,
		territory, national_id, family_name, given_name, region, profession, state, inactive, erased, ever_regulator,
		create_time_us, update_time_us, last_sign_in_us, clock_us, inactive_since_us, delete_time_us, version, seq)
		SELECT md5(n::text)::uuid::text, 'user' || lpad(n::text, 7, '0') || '@example.fr', 'user' || lpad(n::text, 7, '0') || '@example.fr',
			4 + n % 8, 'Ville', 'departements/44', $1, '', 'Nom' || lpad((n * 7919 % $3)::text, 7, '0'), 'Prénom', 'regions/52', '',
			1 + n % 3, n % 10 = 0, false, n % 8 < 4, 1700000000000000 + n * 1000000, 1700000000000000 + n * 1000000, 0,
			1700000000000000 + n * 1000000, 0, 0, 1, n
		FROM generate_series($2::bigint + 1, $2::bigint + $3) AS n`, territory, offset, benchAccounts)
	if err != nil {
		b.Fatal(err)
	}
}
