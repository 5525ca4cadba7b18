package regulators_test

import (
	"encoding/json"
	"net/http"
	"slices"
	"strings"
	"testing"

	accountsv1 "github.com/sas-platform/sas/gen/sas/accounts/v1"
	"github.com/sas-platform/sas/services/accounts/regulators"
	"github.com/sas-platform/sas/services/accounts/store"
	"github.com/sas-platform/sas/services/platform/auth"
	"github.com/sas-platform/sas/services/platform/auth/authtest"
)

// fhirBundle is what the tests read of a Bundle or an OperationOutcome.
type fhirBundle struct {
	ResourceType string
	Type         string
	Link         []struct{ Relation, URL string }
	Entry        []struct {
		FullURL  string
		Resource struct {
			ResourceType string
			ID           string
			Meta         struct {
				LastUpdated string
				Tag         []struct{ System, Code string }
			}
			Identifier []struct{ System, Value string }
			Active     bool
			Name       []struct {
				Family string
				Given  []string
			}
			Telecom []struct{ System, Value string }
		}
		Search struct{ Mode string }
	}
	Issue []struct{ Severity, Code, Diagnostics string }
}

// link returns the URL of the bundle's link relation ("" when none).
func (b fhirBundle) link(relation string) string {
	for _, l := range b.Link {
		if l.Relation == relation {
			return l.URL
		}
	}
	return ""
}

// get does GET path (relative to the handler's base) as p (anonymous for
// nil) and decodes the answer.
func (e *env) get(method, path string, p *auth.Principal) (int, http.Header, fhirBundle) {
	e.t.Helper()
	req, err := http.NewRequestWithContext(e.as(nil), method, e.fhir+path, nil)
	if err != nil {
		e.t.Fatal(err)
	}
	if p != nil {
		req.Header.Set("Authorization", "Bearer "+e.iss.Token(p))
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer resp.Body.Close()
	var b fhirBundle
	if err := json.NewDecoder(resp.Body).Decode(&b); err != nil {
		e.t.Fatalf("%s %s: %d, body not JSON: %v", method, path, resp.StatusCode, err)
	}
	if ct := resp.Header.Get("Content-Type"); ct != "application/fhir+json" {
		e.t.Errorf("Content-Type %q", ct)
	}
	return resp.StatusCode, resp.Header, b
}

func testFHIRBundle(t *testing.T, e *env) {
	arm := e.create("arm44@example.fr", accountsv1.Role_ROLE_ARM, "SAS-44")
	e.create("doc75@example.fr", accountsv1.Role_ROLE_REGULATING_DOCTOR, "SAS-75")
	e.create("ioa44@example.fr", accountsv1.Role_ROLE_ORIENTATION_NURSE, "SAS-44")
	st, h, b := e.get("GET", regulators.PractitionerPath+"?_count=2", vendor())
	if st != http.StatusOK || b.ResourceType != "Bundle" || b.Type != "searchset" || len(b.Entry) != 2 {
		t.Fatalf("first page: %d %+v", st, b)
	}
	if h.Get("Cache-Control") != "no-store" || b.link("self") != regulators.PractitionerPath+"?_count=2" || b.link(regulators.RelationSync) != "" {
		t.Errorf("first page links %+v, headers %v", b.Link, h)
	}
	id := store.AccountID(arm.Name)
	p := b.Entry[0].Resource
	if b.Entry[0].FullURL != "urn:uuid:"+id || b.Entry[0].Search.Mode != "match" || p.ResourceType != "Practitioner" ||
		p.ID != id || !p.Active || len(p.Identifier) != 1 || p.Identifier[0].System != regulators.SystemAccount ||
		p.Identifier[0].Value != id || len(p.Name) != 1 || p.Name[0].Family != "Martin" || !slices.Equal(p.Name[0].Given, []string{"Anne"}) ||
		len(p.Telecom) != 1 || p.Telecom[0].System != "email" || p.Telecom[0].Value != "arm44@example.fr" ||
		len(p.Meta.Tag) != 1 || p.Meta.Tag[0].System != regulators.SystemTerritory || p.Meta.Tag[0].Code != "SAS-44" ||
		!strings.HasPrefix(p.Meta.LastUpdated, arm.UpdateTime.AsTime().UTC().Format("2006-01-02T15:04:05")) {
		t.Errorf("practitioner %+v", b.Entry[0])
	}
	next := b.link("next")
	if !strings.HasPrefix(next, regulators.PractitionerPath+"?") || !strings.Contains(next, "_count=2") {
		t.Fatalf("next link %q", next)
	}
	st, _, last := e.get("GET", next, vendor())
	if st != http.StatusOK || len(last.Entry) != 1 || last.link("next") != "" || last.link(regulators.RelationSync) == "" {
		t.Fatalf("last page: %d %+v", st, last)
	}
	// The sync link gives the changes: a suspended regulator is inactive, nameless.
	e.transition(arm, store.Suspend)
	st, _, changes := e.get("GET", last.link(regulators.RelationSync), vendor())
	if st != http.StatusOK || len(changes.Entry) != 1 {
		t.Fatalf("changes: %d %+v", st, changes)
	}
	if gone := changes.Entry[0].Resource; gone.ID != id || gone.Active || gone.Name != nil || gone.Telecom != nil {
		t.Errorf("removed practitioner %+v", gone)
	}
}

// testFHIRErrors checks the answers to refused searches: an
// OperationOutcome with the HTTP status of the gRPC code.
func testFHIRErrors(t *testing.T, e *env) {
	for _, tt := range []struct {
		name, method, query string
		caller              *auth.Principal
		status              int
		issue               string
	}{
		{"no token", "GET", "", nil, http.StatusUnauthorized, "login"},
		{"user", "GET", "", authtest.User("arm", accountsv1.Role_ROLE_ARM, "territories/SAS-44"), http.StatusForbidden, "forbidden"},
		{"bad sync token", "GET", "?sync=nope", vendor(), http.StatusBadRequest, "invalid"},
		{"bad page", "GET", "?page=nope", vendor(), http.StatusBadRequest, "invalid"},
		{"bad count", "GET", "?_count=ten", vendor(), http.StatusBadRequest, "invalid"},
		{"zero count", "GET", "?_count=0", vendor(), http.StatusBadRequest, "invalid"},
		{"post", "POST", "", vendor(), http.StatusMethodNotAllowed, "not-supported"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			st, h, b := e.get(tt.method, regulators.PractitionerPath+tt.query, tt.caller)
			if st != tt.status || b.ResourceType != "OperationOutcome" || len(b.Issue) != 1 ||
				b.Issue[0].Severity != "error" || b.Issue[0].Code != tt.issue || b.Issue[0].Diagnostics == "" {
				t.Fatalf("got %d %+v, want %d %s", st, b, tt.status, tt.issue)
			}
			if st == http.StatusUnauthorized && h.Get("WWW-Authenticate") != "Bearer" {
				t.Errorf("WWW-Authenticate %q", h.Get("WWW-Authenticate"))
			}
		})
	}
	_, _, b := e.get("GET", regulators.PractitionerPath+"?sync=nope", vendor())
	if d := b.Issue[0].Diagnostics; !strings.HasPrefix(d, "sync: ") {
		t.Errorf("diagnostics %q do not name the parameter", d)
	}
}

// testFHIRNoChange checks an empty sync: no entry, and the same sync link.
func testFHIRNoChange(t *testing.T, e *env) {
	_, _, first := e.get("GET", regulators.PractitionerPath, vendor())
	sync := first.link(regulators.RelationSync)
	if len(first.Entry) != 0 || sync == "" {
		t.Fatalf("empty platform: %+v", first)
	}
	e.create("pro@example.fr", accountsv1.Role_ROLE_PROFESSIONAL, "SAS-44")
	st, _, b := e.get("GET", sync, vendor())
	if st != http.StatusOK || len(b.Entry) != 0 || b.link(regulators.RelationSync) == "" {
		t.Fatalf("no regulator change: %d %+v", st, b)
	}
}
