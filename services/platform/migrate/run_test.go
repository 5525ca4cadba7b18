package migrate_test

import (
	"slices"
	"strings"
	"testing"
	"testing/fstest"
)

func file(sql string) *fstest.MapFile { return &fstest.MapFile{Data: []byte(sql)} }

var cases = []struct {
	name         string
	runs         []fstest.MapFS // applied one after the other; the last may fail
	wantErr      string         // substring of the last run's error; "" for none
	wantVersions []int          // nil: schema_migrations must not exist
	counts       map[string]int // table → rows it must hold
	absent       []string       // tables that must not exist
}{{
	name: "applies in numeric version order",
	runs: []fstest.MapFS{{
		"10000_c.sql": file("ALTER TABLE a ADD COLUMN y INTEGER"),
		"9999_b.sql":  file("CREATE TABLE a (x INTEGER)"),
		"0001_a.sql":  file("CREATE TABLE one (x INTEGER); INSERT INTO one VALUES (1)"),
	}},
	wantVersions: []int{1, 9999, 10000},
	counts:       map[string]int{"one": 1, "a": 0},
}, {
	name: "skips applied versions",
	runs: []fstest.MapFS{
		{"0001_a.sql": file("CREATE TABLE a (x INTEGER)")},
		{"0001_a.sql": file("CREATE TABLE a (x INTEGER)"), "0002_b.sql": file("INSERT INTO a VALUES (1)")},
	},
	wantVersions: []int{1, 2},
	counts:       map[string]int{"a": 1},
}, {
	name: "bad file name",
	runs: []fstest.MapFS{{
		"0001_a.sql": file("CREATE TABLE a (x INTEGER)"),
		"init.sql":   file("CREATE TABLE b (x INTEGER)"),
	}},
	wantErr: `"init.sql"`,
	absent:  []string{"schema_migrations", "a", "b"},
}, {
	name:    "short version",
	runs:    []fstest.MapFS{{"001_a.sql": file("CREATE TABLE a (x INTEGER)")}},
	wantErr: `"001_a.sql"`,
	absent:  []string{"schema_migrations", "a"},
}, {
	name: "duplicate version",
	runs: []fstest.MapFS{{
		"0001_a.sql": file("CREATE TABLE a (x INTEGER)"),
		"0001_b.sql": file("CREATE TABLE b (x INTEGER)"),
	}},
	wantErr: `"0001_b.sql"`,
	absent:  []string{"schema_migrations", "a", "b"},
}, {
	name: "failing migration keeps earlier ones",
	runs: []fstest.MapFS{{
		"0001_a.sql": file("CREATE TABLE a (x INTEGER)"),
		"0002_b.sql": file("INSERT INTO a VALUES (1); INSERT INTO missing VALUES (1)"),
		"0003_c.sql": file("CREATE TABLE c (x INTEGER)"),
	}},
	wantErr:      "0002_b.sql",
	wantVersions: []int{1},
	counts:       map[string]int{"a": 0},
	absent:       []string{"c"},
}}

func TestRun(t *testing.T) {
	for engineName, open := range engines {
		for _, tc := range cases {
			t.Run(engineName+"/"+tc.name, func(t *testing.T) {
				t.Parallel()
				e := open(t)
				var err error
				for _, run := range tc.runs {
					err = e.migrate(run)
				}
				checkErr(t, err, tc.wantErr)
				checkVersions(t, e, tc.wantVersions)
				checkTables(t, e, tc.counts, tc.absent)
			})
		}
	}
}

func checkErr(t *testing.T, err error, want string) {
	t.Helper()
	switch {
	case want == "" && err != nil:
		t.Fatalf("migrate: %v", err)
	case want != "" && (err == nil || !strings.Contains(err.Error(), want)):
		t.Fatalf("migrate error = %v, want one containing %s", err, want)
	}
}

func checkVersions(t *testing.T, e engine, want []int) {
	t.Helper()
	if want == nil {
		return
	}
	rows, err := e.db.Query("SELECT version FROM schema_migrations ORDER BY version")
	if err != nil {
		t.Fatalf("read schema_migrations: %v", err)
	}
	defer rows.Close()
	var got []int
	for rows.Next() {
		var v int
		if err := rows.Scan(&v); err != nil {
			t.Fatal(err)
		}
		got = append(got, v)
	}
	if !slices.Equal(got, want) {
		t.Errorf("applied versions = %v, want %v", got, want)
	}
}

func checkTables(t *testing.T, e engine, counts map[string]int, absent []string) {
	t.Helper()
	for table, want := range counts {
		var got int
		if err := e.db.QueryRow("SELECT count(*) FROM " + table).Scan(&got); err != nil {
			t.Errorf("count %s: %v", table, err)
		} else if got != want {
			t.Errorf("%s holds %d rows, want %d", table, got, want)
		}
	}
	for _, table := range absent {
		if _, err := e.db.Exec("SELECT 1 FROM " + table); err == nil {
			t.Errorf("table %s exists, want it absent", table)
		}
	}
}
