// Package migrate applies versioned SQL migrations, one transaction each,
// and records them in the table schema_migrations.
//
// Migration files are named NNNN_description.sql (at least four digits) and
// are read from the root of an fs.FS; callers that embed a directory pass
// fs.Sub of it. The postgres and sqlite packages provide the engines.
package migrate

import (
	"fmt"
	"io/fs"
	"regexp"
	"slices"
	"strconv"
)

// Table is the name of the table that records applied migrations.
const Table = "schema_migrations"

// Migration is one versioned SQL file.
type Migration struct {
	Version int
	Name    string // the file name, e.g. 0001_init.sql
	SQL     string
}

var fileName = regexp.MustCompile(`^([0-9]{4,})_[A-Za-z0-9][A-Za-z0-9_-]*\.sql$`)

// Files reads the migrations at the root of fsys sorted by version. A nil
// fsys holds no migrations. Subdirectories are ignored; any other file whose
// name does not match NNNN_description.sql, and two files with the same
// version, are errors naming the file.
func Files(fsys fs.FS) ([]Migration, error) {
	if fsys == nil {
		return nil, nil
	}
	entries, err := fs.ReadDir(fsys, ".")
	if err != nil {
		return nil, fmt.Errorf("read migrations: %w", err)
	}
	var out []Migration
	for _, e := range entries {
		if e.IsDir() {
			continue
		}
		m, err := readFile(fsys, e.Name())
		if err != nil {
			return nil, err
		}
		out = append(out, m)
	}
	return sorted(out)
}

func readFile(fsys fs.FS, name string) (Migration, error) {
	match := fileName.FindStringSubmatch(name)
	if match == nil {
		return Migration{}, fmt.Errorf("migration %q: name does not match NNNN_description.sql", name)
	}
	version, err := strconv.Atoi(match[1])
	if err != nil {
		return Migration{}, fmt.Errorf("migration %q: version: %w", name, err)
	}
	body, err := fs.ReadFile(fsys, name)
	if err != nil {
		return Migration{}, fmt.Errorf("migration %q: %w", name, err)
	}
	return Migration{Version: version, Name: name, SQL: string(body)}, nil
}

func sorted(ms []Migration) ([]Migration, error) {
	slices.SortFunc(ms, func(a, b Migration) int { return a.Version - b.Version })
	for i := 1; i < len(ms); i++ {
		if ms[i].Version == ms[i-1].Version {
			return nil, fmt.Errorf("migration %q: version %d already used by %q",
				ms[i].Name, ms[i].Version, ms[i-1].Name)
		}
	}
	return ms, nil
}

// Folder returns the folder dir of an embedded tree, such as a service's
// "migrations/postgres"; it panics when dir is not in fsys (a build mistake).
func Folder(fsys fs.FS, dir string) fs.FS {
	sub, err := fs.Sub(fsys, dir)
	if err != nil {
		panic(err)
	}
	return sub
}
