package main

import (
	"fmt"
	"io"
	"path/filepath"
	"sort"
)

// Report collects what the checks find, by file.
type Report struct {
	w        io.Writer
	root     string
	failures int
	notes    map[string]bool
}

// Fail records a problem in file (about object, when not empty).
func (r *Report) Fail(file, object, format string, args ...any) {
	r.failures++
	where := r.rel(file)
	if object != "" {
		where += ": " + object
	}
	fmt.Fprintf(r.w, "FAIL %s: %s\n", where, fmt.Sprintf(format, args...))
}

// OK prints a passed check.
func (r *Report) OK(file, format string, args ...any) {
	fmt.Fprintf(r.w, "ok   %s: %s\n", r.rel(file), fmt.Sprintf(format, args...))
}

// Note records something to know that fails nothing (printed at the end).
func (r *Report) Note(format string, args ...any) {
	if r.notes == nil {
		r.notes = map[string]bool{}
	}
	r.notes[fmt.Sprintf(format, args...)] = true
}

// Done prints the notes and returns an error when a check failed.
func (r *Report) Done() error {
	notes := make([]string, 0, len(r.notes))
	for n := range r.notes {
		notes = append(notes, n)
	}
	sort.Strings(notes)
	for _, n := range notes {
		fmt.Fprintf(r.w, "note %s\n", n)
	}
	if r.failures > 0 {
		return fmt.Errorf("%d problem(s)", r.failures)
	}
	fmt.Fprintln(r.w, "deploy check passed")
	return nil
}

func (r *Report) rel(file string) string {
	if rel, err := filepath.Rel(r.root, file); err == nil {
		return filepath.ToSlash(rel)
	}
	return file
}
