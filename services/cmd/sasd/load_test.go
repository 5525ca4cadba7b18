package main

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"strconv"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // database/sql driver "pgx"

	"github.com/sas-platform/sas/services/cmd/loadgen"
	"github.com/sas-platform/sas/services/platform/postgres/pgtest"
)

// Load runs through REST on sasd over PostgreSQL and Redis, for `make bench`.
// The load generator runs on the same machine as sasd and its databases.
// Run one iteration each: go test -run '^$' -bench 'REST' -benchtime 1x.

// loadDuration is how long each load run lasts (SAS_BENCH_DURATION, default 10 s).
func loadDuration() time.Duration {
	if d, err := time.ParseDuration(os.Getenv("SAS_BENCH_DURATION")); err == nil && d > 0 {
		return d
	}
	return 10 * time.Second
}

// startPostgres runs sasd on a fresh PostgreSQL database and Redis, and
// returns it with the database URL.
func startPostgres(b *testing.B, args ...string) (platform, string) {
	url := pgtest.NewEmpty(b)
	redisURL := os.Getenv("SAS_TEST_REDIS_URL")
	if redisURL == "" {
		redisURL = "redis://127.0.0.1:6379/0"
	}
	return startBench(b, append([]string{"-postgres-url", url, "-redis-url", redisURL}, args...)...), url
}

// report puts a load run's figures on the benchmark.
func report(b *testing.B, res loadgen.Result) {
	b.Logf("%s", res)
	for msg, n := range res.Errors {
		b.Logf("  %d× %s", n, msg)
	}
	b.ReportMetric(float64(res.P50)/1e6, "p50-ms")
	b.ReportMetric(float64(res.P99)/1e6, "p99-ms")
	b.ReportMetric(res.Throughput(), "req/s")
	b.ReportMetric(float64(res.Failed), "failed")
}

// call is an HTTP call with a bearer token that must answer 200; out, when
// not nil, receives the JSON answer.
func call(client *http.Client, method, url, token string, body []byte, out any) error {
	req, err := http.NewRequest(method, url, bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Authorization", "Bearer "+token)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := client.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	got, err := io.ReadAll(resp.Body)
	if err != nil {
		return err
	}
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("status %d: %.200s", resp.StatusCode, got)
	}
	if out != nil {
		return json.Unmarshal(got, out)
	}
	return nil
}

// BenchmarkRESTListAccounts lists pages of accounts of one territory holding
// 100,000 accounts (issue 4: p99 ≤ 10 ms through REST), at a fixed rate
// (SAS_BENCH_RATE, default 200/s), walking pages at random offsets.
func BenchmarkRESTListAccounts(b *testing.B) {
	p, url := startPostgres(b)
	db, err := sql.Open("pgx", url)
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	const accounts = 100_000
	start := time.Now()
	if _, err := db.Exec(`INSERT INTO accounts.accounts (id, email, email_key, role, city, departement,
		territory, national_id, family_name, given_name, region, profession, state, inactive, erased, ever_regulator,
		create_time_us, update_time_us, last_sign_in_us, clock_us, inactive_since_us, delete_time_us, version, seq)
		SELECT md5(n::text)::uuid::text, 'user' || lpad(n::text, 7, '0') || '@example.fr', 'user' || lpad(n::text, 7, '0') || '@example.fr',
			4 + n % 8, 'Nantes', 'departements/44', 'territories/SAS-44', '', 'Nom' || lpad((n * 7919 % $1)::text, 7, '0'), 'Prénom', 'regions/52', '',
			1 + n % 3, n % 10 = 0, false, n % 8 < 4, 1700000000000000 + n * 1000000, 1700000000000000 + n * 1000000, 0,
			1700000000000000 + n * 1000000, 0, 0, 1, 1000000 + n
		FROM generate_series(1, $1::bigint) AS n`, accounts); err != nil {
		b.Fatal(err)
	}
	if _, err := db.Exec(`ANALYZE accounts.accounts`); err != nil {
		b.Fatal(err)
	}
	b.Logf("seeded %d accounts in territories/SAS-44 in %s", accounts, time.Since(start).Round(time.Millisecond))
	rate := 200.0
	if r, err := strconv.ParseFloat(os.Getenv("SAS_BENCH_RATE"), 64); err == nil && r > 0 {
		rate = r
	}
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 64}}
	base := p.rest + `/v1/accounts?pageSize=50&filter=territory%3D%22territories%2FSAS-44%22`
	// Page tokens are sealed: gather a few from a walk, then ask pages at random among them.
	pages := []string{base}
	for len(pages) < 50 {
		var page struct {
			NextPageToken string `json:"nextPageToken"`
		}
		if err := call(client, "GET", pages[len(pages)-1], p.token, nil, &page); err != nil || page.NextPageToken == "" {
			b.Fatalf("walk pages: %v", err)
		}
		pages = append(pages, base+"&pageToken="+page.NextPageToken)
	}
	for b.Loop() {
		res := loadgen.Run(context.Background(), loadgen.Config{Rate: rate, Duration: loadDuration()}, func(_ context.Context, i int) error {
			return call(client, "GET", pages[i*7919%len(pages)], p.token, nil, nil)
		})
		report(b, res)
	}
}
