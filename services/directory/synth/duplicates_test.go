package synth

import (
	"bufio"
	"bytes"
	"testing"
)

// TestNoDuplicateLines checks that no professional works twice at one site:
// the importer would reject the second, identical line.
func TestNoDuplicateLines(t *testing.T) {
	var buf bytes.Buffer
	if _, err := Generate(&buf, nil, Options{Professionals: 5000, Seed: 1}); err != nil {
		t.Fatal(err)
	}
	seen := map[string]int{}
	sc := bufio.NewScanner(&buf)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for n := 1; sc.Scan(); n++ {
		if first, dup := seen[sc.Text()]; dup {
			t.Fatalf("line %d repeats line %d", n, first)
		}
		seen[sc.Text()] = n
	}
}
