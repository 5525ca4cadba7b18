package pull_test

import (
	"bytes"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"google.golang.org/protobuf/proto"

	"github.com/sas-platform/sas/services/availability/fhir"
)

// dateTime matches the quoted FHIR dateTimes of a document: in the official
// examples, the start and end of the slots.
var dateTime = regexp.MustCompile(`"(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2}))"`)

// shift moves every dateTime of doc by whole days so that the earliest falls
// within the day after now, keeping times of day and offsets; the rest of the
// document is untouched.
func shift(t testing.TB, doc []byte, now time.Time) []byte {
	t.Helper()
	var earliest time.Time
	for _, m := range dateTime.FindAllSubmatch(doc, -1) {
		tm, err := time.Parse(time.RFC3339Nano, string(m[1]))
		if err != nil {
			t.Fatalf("shift: %v", err)
		}
		if earliest.IsZero() || tm.Before(earliest) {
			earliest = tm
		}
	}
	days := time.Duration(now.Sub(earliest)/(24*time.Hour)+1) * 24 * time.Hour
	return dateTime.ReplaceAllFunc(doc, func(m []byte) []byte {
		sub := dateTime.FindSubmatch(m)
		tm, _ := time.Parse(time.RFC3339Nano, string(sub[1]))
		return []byte(`"` + tm.Add(days).Format(layoutOf(string(sub[2]), string(sub[3]))) + `"`)
	})
}

// layoutOf is the layout writing a dateTime as the original: with frac
// (".000") digits of fraction, and "Z" or a numeric offset.
func layoutOf(frac, zone string) string {
	layout := "2006-01-02T15:04:05"
	if frac != "" {
		layout += "." + strings.Repeat("0", len(frac)-1)
	}
	if zone == "Z" {
		return layout + "Z07:00"
	}
	return layout + "-07:00"
}

// TestExamples pulls each official example of the SAS guide, dates shifted
// into the window: the sink gets the slots Decode reads from the document.
func TestExamples(t *testing.T) {
	tests := []struct {
		file string
		ids  []string // the professionals asked
	}{
		{"Bundle-ExampleBundlePSIndiv.json", []string{"810002673899", "810100050075"}},
		{"Bundle-ExampleBundleCPTS1.json", []string{"810002909371"}},
		{"Bundle-ExampleBundleCPTS2.json", []string{"810002909371"}},
		{"Bundle-ExampleBundleAgregateurSOS.json", []string{"810000000000"}}, // structures' slots
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			orig, err := os.ReadFile(filepath.Join("..", "fhir", "testdata", tt.file))
			if err != nil {
				t.Fatal(err)
			}
			c, s := newClock(), &sink{}
			doc := shift(t, orig, c.Now())
			want, err := fhir.Decode(bytes.NewReader(doc), fhir.Options{})
			if err != nil || len(want.Errors) > 0 || len(want.Slots) == 0 {
				t.Fatalf("Decode of the shifted example: %v %v", err, want.Errors)
			}
			v := startVendor(t, func(w http.ResponseWriter, _ *http.Request, ids []string, _ int) {
				if !slices.Equal(ids, tt.ids) {
					http.Error(w, "unexpected professionals", http.StatusBadRequest)
					return
				}
				w.Header().Set("Content-Type", "application/fhir+json")
				_, _ = w.Write(doc)
			})
			p := newPuller(t, config(c), s)
			rep, err := p.Refresh(t.Context(), v.target(t, "vendors/v1"), tt.ids)
			if err != nil || rep.Succeeded != 1 || rep.EntryErrors != 0 || rep.Slots != len(want.Slots) {
				t.Fatalf("report %+v, %v; want %d slots", rep, err, len(want.Slots))
			}
			b := s.got()[0]
			for i, e := range b.Result.Slots {
				start := e.Slot.GetStartTime().AsTime()
				if !proto.Equal(e.Slot, want.Slots[i].Slot) || e.Index != want.Slots[i].Index {
					t.Errorf("slot %d:\ngot  %v\nwant %v", i, e.Slot, want.Slots[i].Slot)
				}
				if start.Before(b.Start) || start.After(b.End) {
					t.Errorf("slot %d starts at %v, outside [%v, %v]", i, start, b.Start, b.End)
				}
			}
		})
	}
}

// TestShift: the shifted document differs from the original in its dates
// only, written the same way.
func TestShift(t *testing.T) {
	orig := []byte(`{"start" : "2021-11-05T09:00:00.000+00:00", "end" : "2023-08-18T09:30:00+02:00", "x" : "2021-11-04T14:20:00Z"}`)
	got := shift(t, orig, time.Date(2021, 11, 10, 8, 0, 0, 0, time.UTC))
	want := `{"start" : "2021-11-11T09:00:00.000+00:00", "end" : "2023-08-24T09:30:00+02:00", "x" : "2021-11-10T14:20:00Z"}`
	if string(got) != want {
		t.Errorf("shift:\ngot  %s\nwant %s", got, want)
	}
}
