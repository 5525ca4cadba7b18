package rpps

import (
	"bytes"
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestRoundTrip(t *testing.T) {
	full := filled()
	adeli := with(médecin(), func(a *Activity) { a.IDType, a.ID, a.NationalID = "0", "756012345", "0756012345" })
	tests := []struct {
		name  string
		roles bool
		acts  []*Activity
	}{
		{name: "one", acts: []*Activity{médecin()}},
		{name: "all fields", acts: []*Activity{full, adeli, médecin()}},
		{name: "roles", roles: true, acts: []*Activity{full, adeli}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var buf bytes.Buffer
			w := NewWriter(&buf).WithRoles(tt.roles)
			for _, a := range tt.acts {
				if err := w.Write(a); err != nil {
					t.Fatalf("Write: %v", err)
				}
			}
			if err := w.Flush(); err != nil {
				t.Fatalf("Flush: %v", err)
			}
			got, errs := readAll(t, &buf)
			if len(errs) != 0 {
				t.Fatalf("line errors: %v", errs)
			}
			if diff := cmp.Diff(numbered(tt.acts, tt.roles), got); diff != "" {
				t.Errorf("activities (-want +got):\n%s", diff)
			}
		})
	}
}

func TestWriterHeader(t *testing.T) {
	for _, roles := range []bool{false, true} {
		var buf bytes.Buffer
		if err := NewWriter(&buf).WithRoles(roles).Flush(); err != nil {
			t.Fatalf("Flush: %v", err)
		}
		want := slices.Clone(Columns)
		if roles {
			want = append(want, RoleColumns...)
		}
		if got := buf.String(); got != headerLine(want) {
			t.Errorf("roles %v: header %q, want %q", roles, got, headerLine(want))
		}
	}
}

func TestWriterRejects(t *testing.T) {
	tests := []struct {
		name   string
		change func(*Activity)
	}{
		{name: "separator", change: func(a *Activity) { a.CompanyName = "A|B" }},
		{name: "newline", change: func(a *Activity) { a.StreetName = "RUE\nDU BAC" }},
		{name: "carriage return", change: func(a *Activity) { a.Email = "a@b.fr\r" }},
		{name: "role", change: func(a *Activity) { a.RoleLabel = "|" }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var buf bytes.Buffer
			w := NewWriter(&buf).WithRoles(true)
			if err := w.Write(with(médecin(), tt.change)); !errors.Is(err, ErrInvalidValue) {
				t.Errorf("Write = %v, want ErrInvalidValue", err)
			}
			w.Flush()
			if n := strings.Count(buf.String(), "\n"); n != 1 {
				t.Errorf("wrote %d lines, want the header only", n)
			}
		})
	}
}

func TestWriterError(t *testing.T) {
	w := NewWriter(failing{})
	if err := w.Write(médecin()); err != nil {
		t.Fatalf("Write: %v", err)
	}
	if err := w.Flush(); !errors.Is(err, errDisk) {
		t.Errorf("Flush = %v, want errDisk", err)
	}
}

var errDisk = errors.New("disk full")

// failing is a writer that always fails.
type failing struct{}

// Write fails.
func (failing) Write([]byte) (int, error) { return 0, errDisk }

// filled returns a valid activity whose every field is set.
func filled() *Activity {
	a := médecin()
	for name, sl := range slots {
		if *sl(a) == "" {
			*sl(a) = "v " + name
		}
	}
	return a
}

// numbered returns copies of acts as read back from line 2, without roles unless roles.
func numbered(acts []*Activity, roles bool) []*Activity {
	out := make([]*Activity, len(acts))
	for i, a := range acts {
		out[i] = with(a, func(c *Activity) {
			c.Line = int64(i + 2)
			if !roles {
				c.Role, c.RoleLabel = "", ""
			}
		})
	}
	return out
}
