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
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // database/sql driver "pgx"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	accountsv1 "github.com/sas-platform/sas/gen/sas/accounts/v1"
	directoryv1 "github.com/sas-platform/sas/gen/sas/directory/v1"
	searchv1 "github.com/sas-platform/sas/gen/sas/search/v1"
	"github.com/sas-platform/sas/services/cmd/loadgen"
	"github.com/sas-platform/sas/services/platform/auth"
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

// startPostgres runs sasd as a process of its own on a fresh PostgreSQL
// database and Redis, and returns it with the database URL. The flags in
// SAS_BENCH_SASD_ARGS are added, to try a setting (the child reads no SAS_
// variable).
func startPostgres(b *testing.B, args ...string) (platform, string) {
	url := pgtest.NewEmpty(b)
	redisURL := os.Getenv("SAS_TEST_REDIS_URL")
	if redisURL == "" {
		redisURL = "redis://127.0.0.1:6379/0"
	}
	args = append(args, strings.Fields(os.Getenv("SAS_BENCH_SASD_ARGS"))...)
	p, proc := startChild(b, append([]string{"-postgres-url", url, "-redis-url", redisURL}, args...)...)
	p.proc = proc
	return p, url
}

// settle waits for the background work that follows a demo import (the
// availability and search feeds taking in the new directory) to end, so
// that a load run measures requests, not the start-up: search answers once
// its snapshots are in, then a few seconds more for availability's batches.
func settle(b *testing.B, p platform) {
	ctx := auth.WithBearer(context.Background(), p.token)
	deadline := time.Now().Add(5 * time.Minute)
	for {
		_, err := searchv1.NewSearchServiceClient(p.anon).SearchSlots(ctx, &searchv1.SearchSlotsRequest{
			Location: &searchv1.SearchSlotsRequest_InseeCode{InseeCode: "44109"}})
		if status.Code(err) != codes.Unavailable {
			break
		}
		if time.Now().After(deadline) {
			b.Fatal("search not ready after 5 minutes")
		}
		time.Sleep(200 * time.Millisecond)
	}
	time.Sleep(5 * time.Second)
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
	list := func(_ context.Context, i int) error {
		return call(client, "GET", pages[i*7919%len(pages)], p.token, nil, nil)
	}
	loadgen.Run(context.Background(), loadgen.Config{Rate: rate, Duration: 2 * time.Second}, list) // warm-up, not counted
	for b.Loop() {
		report(b, loadgen.Run(context.Background(), loadgen.Config{Rate: rate, Duration: loadDuration()}, list))
	}
}

// BenchmarkRESTPush has 4 vendors push batches of 500 slots as JSON through
// REST at once, each as fast as it is answered, for SAS_BENCH_DURATION
// (issue 5: ≥ 10,000 slots/s through REST JSON).
func BenchmarkRESTPush(b *testing.B) {
	p, _ := startPostgres(b, "-demo-professionals", "2000")
	ctx := context.Background()
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 16}}
	var pros []string
	for token := ""; ; {
		resp, err := directoryClient(p.conn).ListProfessionals(ctx, &directoryv1.ListProfessionalsRequest{
			PageSize: 500, PageToken: token, Filter: "active = true AND opted_out = false"})
		if err != nil {
			b.Fatal(err)
		}
		for _, pro := range resp.GetProfessionals() {
			pros = append(pros, pro.GetName())
		}
		if token = resp.GetNextPageToken(); token == "" {
			break
		}
	}
	type vendor struct{ name, token string }
	var vendors []vendor
	for i := range 4 {
		v, err := accountsv1.NewVendorServiceClient(p.conn).CreateVendor(ctx, &accountsv1.CreateVendorRequest{
			VendorId: fmt.Sprintf("bench-%d", i), Vendor: &accountsv1.Vendor{DisplayName: "Bench", Enabled: true, PushRateLimit: 1_000_000}})
		if err != nil {
			b.Fatal(err)
		}
		tok, err := accountsv1.NewAuthServiceClient(p.anon).IssueToken(ctx, &accountsv1.IssueTokenRequest{Grant: &accountsv1.IssueTokenRequest_ClientCredentials{
			ClientCredentials: &accountsv1.ClientCredentials{ClientId: v.GetVendor().GetClientId(), ClientSecret: v.GetClientSecret()}}})
		if err != nil {
			b.Fatal(err)
		}
		vendors = append(vendors, vendor{v.GetVendor().GetName(), tok.GetAccessToken()})
	}
	type slot struct {
		ExternalID        string   `json:"externalId"`
		Professional      string   `json:"professional"`
		StartTime         string   `json:"startTime"`
		EndTime           string   `json:"endTime"`
		Status            string   `json:"status"`
		Visibility        string   `json:"visibility,omitempty"`
		ConsultationModes []string `json:"consultationModes,omitempty"`
	}
	type stored struct {
		StoredCount int               `json:"storedCount"`
		Errors      []json.RawMessage `json:"errors"`
	}
	base := time.Now().Add(time.Hour).Truncate(time.Hour)
	// Batch n of a vendor: 500 slots of 500 professionals, each vendor its
	// own quarter-hour of the professional's day, a new day every batch
	// round, so that no two slots of a professional overlap.
	batch := func(v, n int) []byte {
		slots := make([]slot, 500)
		for k := range slots {
			pro := (n*500 + k) % len(pros)
			round := (n*500 + k) / len(pros)
			start := base.Add(time.Duration(round%(13*24))*time.Hour + time.Duration(v)*15*time.Minute)
			slots[k] = slot{ExternalID: fmt.Sprintf("s-%d-%d", n, k), Professional: pros[pro],
				StartTime: start.Format(time.RFC3339), EndTime: start.Add(15 * time.Minute).Format(time.RFC3339),
				Status: "STATUS_FREE", Visibility: "VISIBILITY_SNP", ConsultationModes: []string{"CONSULTATION_MODE_PRACTICE"}}
		}
		body, _ := json.Marshal(map[string]any{"slots": slots})
		return body
	}
	push := func(v, n int) (stored, error) {
		var out stored
		err := call(client, "POST", p.rest+"/v1/"+vendors[v].name+"/slots:batchUpsert", vendors[v].token, batch(v, n), &out)
		return out, err
	}
	// The directory feed brings the demo professionals to availability: wait for the last one.
	deadline := time.Now().Add(2 * time.Minute)
	for {
		probe := slot{ExternalID: "probe", Professional: pros[len(pros)-1], StartTime: base.Add(13 * 24 * time.Hour).Format(time.RFC3339),
			EndTime: base.Add(13*24*time.Hour + 15*time.Minute).Format(time.RFC3339), Status: "STATUS_FREE", Visibility: "VISIBILITY_SNP", ConsultationModes: []string{"CONSULTATION_MODE_PRACTICE"}}
		body, _ := json.Marshal(map[string]any{"slots": []slot{probe}})
		var out stored
		if err := call(client, "POST", p.rest+"/v1/"+vendors[0].name+"/slots:batchUpsert", vendors[0].token, body, &out); err != nil {
			b.Fatal(err)
		}
		if out.StoredCount == 1 {
			break
		}
		if !strings.Contains(string(out.Errors[0]), "UNKNOWN_PROFESSIONAL") {
			b.Fatalf("probe refused: %s", out.Errors[0])
		}
		if time.Now().After(deadline) {
			b.Fatalf("availability does not know %s after 2 minutes: %s", pros[len(pros)-1], out.Errors)
		}
		time.Sleep(200 * time.Millisecond)
	}
	b.Logf("%d professionals known to availability", len(pros))
	for b.Loop() {
		var mu sync.Mutex
		var lat []time.Duration
		var slots, failed int
		end := time.Now().Add(loadDuration())
		start := time.Now()
		var wg sync.WaitGroup
		for v := range vendors {
			wg.Go(func() {
				for n := 0; time.Now().Before(end); n++ {
					t0 := time.Now()
					out, err := push(v, n)
					d := time.Since(t0)
					mu.Lock()
					lat = append(lat, d)
					slots += out.StoredCount
					if err != nil || len(out.Errors) > 0 {
						failed++
						if failed == 1 {
							b.Logf("vendor %d batch %d: %v %s", v, n, err, out.Errors)
						}
					}
					mu.Unlock()
				}
			})
		}
		wg.Wait()
		elapsed := time.Since(start)
		slices.Sort(lat)
		p99 := lat[min(len(lat)-1, len(lat)*99/100)]
		b.Logf("%d slots in %d batches (%d with errors) in %s: %.0f slots/s, batch p50 %s p99 %s",
			slots, len(lat), failed, elapsed.Round(time.Millisecond), float64(slots)/elapsed.Seconds(), lat[len(lat)/2], p99)
		b.ReportMetric(float64(slots)/elapsed.Seconds(), "slots/s")
		b.ReportMetric(float64(p99)/1e6, "p99-batch-ms")
		b.ReportMetric(float64(failed), "failed-batches")
	}
}

// BenchmarkRESTGetProfessional reads professionals by national id through
// REST at SAS_BENCH_RATE (default 500/s) from a directory of 20,000
// (issue 3: p99 ≤ 2 ms).
func BenchmarkRESTGetProfessional(b *testing.B) {
	p, _ := startPostgres(b, "-demo-professionals", "20000")
	var names []string
	for token := ""; ; {
		resp, err := directoryClient(p.conn).ListProfessionals(context.Background(), &directoryv1.ListProfessionalsRequest{PageSize: 1000, PageToken: token})
		if err != nil {
			b.Fatal(err)
		}
		for _, pro := range resp.GetProfessionals() {
			names = append(names, pro.GetName())
		}
		if token = resp.GetNextPageToken(); token == "" {
			break
		}
	}
	rate := 500.0
	if r, err := strconv.ParseFloat(os.Getenv("SAS_BENCH_RATE"), 64); err == nil && r > 0 {
		rate = r
	}
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 64}}
	get := func(_ context.Context, i int) error {
		return call(client, "GET", p.rest+"/v1/"+names[i*7919%len(names)], p.token, nil, nil)
	}
	settle(b, p)
	loadgen.Run(context.Background(), loadgen.Config{Rate: rate, Duration: 2 * time.Second}, get) // warm-up, not counted
	for b.Loop() {
		report(b, loadgen.Run(context.Background(), loadgen.Config{Rate: rate, Duration: loadDuration()}, get))
	}
}
