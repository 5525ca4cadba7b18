package rpps

import (
	"bytes"
	"errors"
	"io"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func FuzzReader(f *testing.F) {
	sample, err := os.ReadFile("testdata/sample.txt")
	if err != nil {
		f.Fatal(err)
	}
	f.Add(sample)
	f.Add([]byte(""))
	f.Add([]byte(headerLine(RequiredColumns) + "8|10101234567|810101234567|A|B|10|M|SM54|G|L|1|2|3|R|75001|75101|Paris|\n"))
	f.Add([]byte(strings.ReplaceAll(fileOf(Columns, médecin()), "\n", "\r\n")))
	f.Add([]byte(fileOf(slices.Concat(Columns, RoleColumns), filled())))
	f.Add([]byte(headerLine(Columns) + "8|1|\n\xe9|x\n" + render(Columns, médecin())[:100]))
	f.Add([]byte(strings.ReplaceAll(headerLine(Columns), "|", ";")))
	f.Fuzz(func(t *testing.T, data []byte) {
		acts := readFuzz(t, data)
		roundTrip(t, acts)
	})
}

// readFuzz reads data, checking every error is a *HeaderError, a *LineError or io.EOF and
// every activity valid.
func readFuzz(t *testing.T, data []byte) []*Activity {
	r, err := NewReader(bytes.NewReader(data))
	if err != nil {
		var he *HeaderError
		if !errors.As(err, &he) {
			t.Fatalf("NewReader: %v is not a *HeaderError", err)
		}
		return nil
	}
	var acts []*Activity
	for n := 0; n <= len(data)+1; n++ {
		a, err := r.Next()
		var le *LineError
		switch {
		case err == io.EOF:
			return acts
		case errors.As(err, &le):
			if le.Line < 2 || len(le.Content) > maxContent {
				t.Fatalf("bad LineError %+v", le)
			}
		case err != nil:
			t.Fatalf("Next: %v", err)
		default:
			if col, reason := check(a); reason != "" {
				t.Fatalf("accepted line %d: column %s: %s", a.Line, col, reason)
			}
			acts = append(acts, a)
		}
	}
	t.Fatalf("no io.EOF after %d calls of Next", len(data)+2)
	return nil
}

// roundTrip writes acts back and checks that they read the same.
func roundTrip(t *testing.T, acts []*Activity) {
	var buf bytes.Buffer
	w := NewWriter(&buf).WithRoles(true)
	var want []*Activity
	for _, a := range acts {
		if w.Write(a) == nil {
			want = append(want, with(a, func(c *Activity) { c.Line = int64(len(want) + 2) }))
		}
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	got, errs := readAll(t, &buf)
	if len(errs) != 0 {
		t.Fatalf("line errors reading back: %v", errs)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Fatalf("round trip (-want +got):\n%s", diff)
	}
}
