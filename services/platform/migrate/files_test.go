package migrate_test

import (
	"testing"
	"testing/fstest"

	"github.com/sas-platform/sas/services/platform/migrate"
)

func TestFilesNil(t *testing.T) {
	ms, err := migrate.Files(nil)
	if err != nil || ms != nil {
		t.Fatalf("Files(nil) = %v, %v; want nil, nil", ms, err)
	}
}

func TestFilesIgnoresDirectories(t *testing.T) {
	ms, err := migrate.Files(fstest.MapFS{
		"0002_b.sql":     file("B"),
		"0001_a.sql":     file("A"),
		"old/0001_x.sql": file("X"),
	})
	if err != nil {
		t.Fatal(err)
	}
	want := []migrate.Migration{{1, "0001_a.sql", "A"}, {2, "0002_b.sql", "B"}}
	if len(ms) != len(want) || ms[0] != want[0] || ms[1] != want[1] {
		t.Errorf("Files = %+v, want %+v", ms, want)
	}
}
