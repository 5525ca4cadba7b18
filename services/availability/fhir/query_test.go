package fhir

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

func TestSearchQuery(t *testing.T) {
	start := time.Date(2026, 1, 2, 10, 0, 0, 0, time.FixedZone("CET", 3600))
	end := start.Add(96 * time.Hour)
	u, err := SearchQuery("https://v.example/fhir/r4/", []string{"810101288385", "800001288385", "0441234567"}, start, end)
	if err != nil {
		t.Fatal(err)
	}
	want := "https://v.example/fhir/r4/Slot?_include=Slot:schedule&_include:iterate=Schedule:actor" +
		"&start=ge2026-01-02T09:00:00Z&start=le2026-01-06T09:00:00Z" +
		"&schedule.actor:Practitioner.identifier=urn:oid:1.2.250.1.71.4.2.1%7C810101288385," +
		"urn:oid:1.2.250.1.71.4.2.1%7C800001288385,urn:oid:1.2.250.1.71.4.2.1%7C0441234567&status=free"
	if u.String() != want {
		t.Errorf("got  %s\nwant %s", u, want)
	}
	q := u.Query()
	if ids := q.Get("schedule.actor:Practitioner.identifier"); !strings.HasPrefix(ids, SystemProfessional+"|810101288385,") {
		t.Errorf("identifiers %q", ids)
	}
	if got := q["start"]; len(got) != 2 || got[0] != "ge2026-01-02T09:00:00Z" {
		t.Errorf("start %v", got)
	}
}

func TestSearchQueryRefuses(t *testing.T) {
	start := time.Date(2026, 1, 2, 10, 0, 0, 0, time.UTC)
	many := make([]string, 26)
	for i := range many {
		many[i] = fmt.Sprintf("8101012883%02d", i)
	}
	tests := []struct {
		name  string
		base  string
		ids   []string
		end   time.Time
		error string
	}{
		{"no professional", "https://v.example", nil, start.Add(time.Hour), "0 professionals"},
		{"26 professionals", "https://v.example", many, start.Add(time.Hour), "26 professionals"},
		{"bad id", "https://v.example", []string{"10101288385"}, start.Add(time.Hour), `lacks the "8" prefix`},
		{"twice", "https://v.example", []string{"810101288385", "810101288385"}, start.Add(time.Hour), "twice"},
		{"end before start", "https://v.example", []string{"810101288385"}, start, "end is not after start"},
		{"relative base", "/fhir", []string{"810101288385"}, start.Add(time.Hour), "not an http(s) URL"},
		{"base with query", "https://v.example/fhir?x=1", []string{"810101288385"}, start.Add(time.Hour), "query"},
	}
	for _, tt := range tests {
		if _, err := SearchQuery(tt.base, tt.ids, start, tt.end); err == nil || !strings.Contains(err.Error(), tt.error) {
			t.Errorf("%s: %v, want %q", tt.name, err, tt.error)
		}
	}
	if _, err := SearchQuery("https://v.example", many[:25], start, start.Add(time.Hour)); err != nil {
		t.Errorf("25 professionals: %v", err)
	}
}
