package rpps

import "testing"

func TestColumns(t *testing.T) {
	if len(Columns) != 52 {
		t.Errorf("len(Columns) = %d, want 52", len(Columns))
	}
	all := append(append([]string(nil), Columns...), RoleColumns...)
	seen := map[string]bool{}
	for _, c := range all {
		if seen[c] {
			t.Errorf("column %q listed twice", c)
		}
		seen[c] = true
		if slots[c] == nil {
			t.Errorf("column %q has no field", c)
		}
	}
	if len(slots) != len(all) {
		t.Errorf("%d fields for %d columns", len(slots), len(all))
	}
	for _, c := range RequiredColumns {
		if !seen[c] {
			t.Errorf("required column %q is not a known column", c)
		}
	}
}
