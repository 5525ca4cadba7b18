package orientation

import (
	"net/url"
	"strings"
	"testing"
)

func TestWithOrigin(t *testing.T) {
	for in, want := range map[string]string{
		"https://a.fr/rdv":                        "https://a.fr/rdv?origin=sas",
		"https://a.fr/rdv?":                       "https://a.fr/rdv?origin=sas",
		"https://a.fr/rdv?p=42&q=a%20b+c#top":     "https://a.fr/rdv?p=42&q=a%20b+c&origin=sas#top",
		"https://a.fr/rdv?origin=web&p=1":         "https://a.fr/rdv?p=1&origin=sas",
		"https://a.fr/rdv?%6Frigin=web&p=1&":      "https://a.fr/rdv?p=1&origin=sas",
		"http://a.fr:8080/x/y?origins=1&z":        "http://a.fr:8080/x/y?origins=1&z&origin=sas",
		"https://a.fr/r%C3%A9servation?m=%zz&k=v": "https://a.fr/r%C3%A9servation?m=%zz&k=v&origin=sas",
	} {
		got, err := withOrigin(in)
		if err != nil || got != want {
			t.Errorf("withOrigin(%q) = %q %v, want %q", in, got, err, want)
		}
	}
	for _, in := range []string{"", "agenda.fr/rdv", "javascript:alert(1)", "https:///nohost", "ftp://a.fr/x"} {
		if got, err := withOrigin(in); err == nil {
			t.Errorf("withOrigin(%q) = %q, want an error", in, got)
		}
	}
}

// FuzzWithOrigin checks that any booking URL accepted comes out with
// exactly one origin, sas, and the same scheme, host and path.
func FuzzWithOrigin(f *testing.F) {
	for _, s := range []string{"https://a.fr/rdv?p=42&origin=web#x", "http://h/?a=%zz;b", "https://a.fr/?&&origin&origin=1"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		out, err := withOrigin(raw)
		if err != nil {
			return
		}
		in, _ := url.Parse(raw)
		u, err := url.Parse(out)
		if err != nil {
			t.Fatalf("%q → %q does not parse: %v", raw, out, err)
		}
		if u.Scheme != in.Scheme || u.Host != in.Host || u.EscapedPath() != in.EscapedPath() || u.Fragment != in.Fragment {
			t.Fatalf("%q → %q changed more than the query", raw, out)
		}
		if n := strings.Count("&"+u.RawQuery, "&origin="); n != 1 || !strings.HasSuffix(u.RawQuery, "origin=sas") {
			t.Fatalf("%q → %q: %d origins", raw, out, n)
		}
	})
}
