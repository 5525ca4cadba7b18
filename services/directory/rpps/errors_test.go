package rpps

import (
	"strings"
	"testing"
)

func TestErrorMessages(t *testing.T) {
	tests := []struct {
		err  error
		want string
	}{
		{&LineError{Line: 12, Column: colID, Reason: "bad"}, "line 12, column Identifiant PP: bad"},
		{&LineError{Line: 3, Reason: "53 fields, want 52"}, "line 3: 53 fields, want 52"},
		{&HeaderError{Reason: "empty file"}, "header: empty file"},
		{
			&HeaderError{Reason: "missing required columns", Missing: []string{colID, colSIRET}},
			`header: missing required columns: "Identifiant PP", "Numéro SIRET site"`,
		},
	}
	for _, tt := range tests {
		if got := tt.err.Error(); got != tt.want {
			t.Errorf("Error() = %q, want %q", got, tt.want)
		}
	}
}

func TestCut(t *testing.T) {
	tests := []struct {
		name string
		line string
		want int // length of the result
	}{
		{name: "short", line: "abc", want: 3},
		{name: "exactly 1 KiB", line: strings.Repeat("x", maxContent), want: maxContent},
		{name: "ASCII", line: strings.Repeat("x", 5000), want: maxContent},
		{name: "rune across the limit", line: "x" + strings.Repeat("é", 1000), want: maxContent - 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := cut(tt.line)
			if len(got) != tt.want || !strings.HasPrefix(tt.line, got) {
				t.Errorf("cut gave %d bytes, want the first %d", len(got), tt.want)
			}
			if got2 := cut([]byte(tt.line)); got2 != got {
				t.Errorf("cut of bytes differs from cut of string")
			}
		})
	}
}
