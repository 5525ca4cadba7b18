package filter

import (
	"reflect"
	"strings"
	"testing"
)

func TestParse(t *testing.T) {
	tests := []struct {
		in      string
		want    []Term
		wantErr string
	}{
		{"", nil, ""},
		{`region = "regions/52"`, []Term{{"region", "=", "regions/52"}}, ""},
		{`region="regions/52" AND active = true`, []Term{{"region", "=", "regions/52"}, {"active", "=", "true"}}, ""},
		{`region = "a \"b\""`, []Term{{"region", "=", `a "b"`}}, ""},
		{`colour = "red"`, nil, `unknown field "colour"`},
		{`region = "x" OR active = true`, nil, "want AND"},
		{`region "x"`, nil, "want = after region"},
		{`region = "x`, nil, "unterminated string"},
		{`region =`, nil, "want a value"},
		{`= "x"`, nil, "want a field name"},
		{`region >= "x"`, nil, "region takes only ="},
		{`time >= "2026-11-24T00:00:00Z" AND time < "x"`, []Term{{"time", ">=", "2026-11-24T00:00:00Z"}, {"time", "<", "x"}}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := ParseOrdered(tt.in, []string{"region", "active"}, []string{"time"})
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("Parse(%q) error = %v, want %q", tt.in, err, tt.wantErr)
				}
				return
			}
			if err != nil || !reflect.DeepEqual(got, tt.want) {
				t.Fatalf("Parse(%q) = %v, %v; want %v", tt.in, got, err, tt.want)
			}
		})
	}
}

func FuzzParse(f *testing.F) {
	for _, s := range []string{`region = "regions/52" AND active = true`, `a = "\\"`, `x=`, "AND AND"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		_, _ = Parse(s, "region", "active") // must never panic
	})
}
