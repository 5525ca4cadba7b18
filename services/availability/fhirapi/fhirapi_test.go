package fhirapi_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/sas-platform/sas/services/availability/fhir"
	"github.com/sas-platform/sas/services/availability/store"
	"github.com/sas-platform/sas/services/platform/auth/authtest"
	"github.com/sas-platform/sas/services/platform/sqlite"
	"github.com/sas-platform/sas/services/platform/sqlite/sqlitetest"
)

var dateTime = regexp.MustCompile(`"(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2}))"`)

// shifted is an official example with every date-time moved by whole days
// so that its first slot starts tomorrow: the text is otherwise unchanged.
func shifted(t *testing.T, name string, now time.Time) []byte {
	raw, err := os.ReadFile(filepath.Join("..", "fhir", "testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	var first time.Time
	for _, m := range dateTime.FindAllSubmatch(raw, -1) {
		at, err := time.Parse(time.RFC3339, string(m[1]))
		if err == nil && (first.IsZero() || at.Before(first)) {
			first = at
		}
	}
	days := int(now.Sub(first).Hours()/24) + 1
	return dateTime.ReplaceAllFunc(raw, func(b []byte) []byte {
		s := string(b[1 : len(b)-1])
		at, err := time.Parse(time.RFC3339, s)
		if err != nil {
			return b
		}
		layout := time.RFC3339
		if strings.Contains(s, ".") {
			layout = time.RFC3339Nano
		}
		return []byte(`"` + at.AddDate(0, 0, days).Format(layout) + `"`)
	})
}

func TestPushOfficialExamples(t *testing.T) {
	now := time.Now()
	db := store.New(sqlitetest.New(t, store.Migrations("sqlite")), sqlite.ClassifyError)
	v := start(t, db)
	iss, url := v.iss, v.url
	token := iss.Token(authtest.Vendor("editeur"))

	// Each example is a push of its own vendor: two of them describe the same
	// slot under two ids, which one vendor may not hold twice.
	for i, name := range []string{"Bundle-ExampleBundlePSIndiv.json", "Bundle-ExampleBundleCPTS1.json",
		"Bundle-ExampleBundleCPTS2.json", "Bundle-ExampleBundleAgregateurSOS.json"} {
		t.Run(name, func(t *testing.T) {
			body := shifted(t, name, now)
			res, err := fhir.Decode(bytes.NewReader(body), fhir.Options{})
			if err != nil || len(res.Errors) > 0 {
				t.Fatalf("decode: %v %v", err, res.Errors)
			}
			// The directory knows the example's professionals.
			var pros []store.Professional
			for _, e := range res.Slots {
				if id := store.NationalID(e.Slot.GetProfessional()); id != "" {
					pros = append(pros, store.Professional{NationalID: id, Active: true})
				}
			}
			if _, err := db.ApplyDirectory(context.Background(), pros, nil, ""); err != nil {
				t.Fatal(err)
			}
			vendor := fmt.Sprintf("editeur-%d", i)
			status, out := post(t, url, iss.Token(authtest.Vendor(vendor)), body)
			if status != http.StatusOK {
				t.Fatalf("status %d: %s", status, out)
			}
			var resp struct {
				Type  string
				Entry []struct {
					Response struct{ Status, Location string }
				}
			}
			if err := json.Unmarshal(out, &resp); err != nil {
				t.Fatal(err)
			}
			stored := 0
			for _, e := range resp.Entry {
				if strings.HasPrefix(e.Response.Location, "Slot/") {
					stored++
					if !strings.HasPrefix(e.Response.Status, "200") && !strings.HasPrefix(e.Response.Status, "201") {
						t.Errorf("slot entry status %q", e.Response.Status)
					}
				}
			}
			if stored != len(res.Slots) || len(resp.Entry) != res.Entries {
				t.Errorf("%d slots stored of %d; %d entries answered of %d: %s", stored, len(res.Slots), len(resp.Entry), res.Entries, out)
			}
			list, err := db.ListSlots(context.Background(), store.SlotQuery{Vendor: "vendors/" + vendor, Limit: 1000})
			if err != nil || len(list) != len(res.Slots) {
				t.Errorf("stored slots: %d, %v", len(list), err)
			}
		})
	}

	// An unknown professional's slot is refused in its entry; garbage is one OperationOutcome.
	body := shifted(t, "Bundle-ExampleBundlePSIndiv.json", now)
	body = regexp.MustCompile(`810\d{9}`).ReplaceAll(body, []byte("899999999999"))
	status, out := post(t, url, token, body)
	if status != http.StatusOK || !strings.Contains(string(out), "UNKNOWN_PROFESSIONAL") && !strings.Contains(string(out), "not in the directory") {
		t.Errorf("unknown professional: %d %s", status, out)
	}
	if status, out := post(t, url, token, []byte(`{"resourceType":"Bundle","type":"searchset","entry":[{`)); status != http.StatusBadRequest || !strings.Contains(string(out), "OperationOutcome") {
		t.Errorf("garbage: %d %s", status, out)
	}
	if status, _ := post(t, url, "", body); status != http.StatusUnauthorized {
		t.Errorf("no token: %d", status)
	}
	if status, _ := post(t, url, iss.Token(authtest.Service("x")), body); status != http.StatusForbidden {
		t.Errorf("not a vendor: %d", status)
	}
}
