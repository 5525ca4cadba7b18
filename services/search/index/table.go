package index

import (
	"errors"
	"fmt"
	"strings"
)

// ErrReference is returned when an embedded reference file is not as expected.
var ErrReference = errors.New("bad reference data")

// table reads a delimited text without quoting, line by line, by column name.
// Fields are substrings of the text: reading allocates nothing per line.
type table struct {
	name   string
	sep    string
	rest   string
	line   int
	cols   map[string]int
	fields []string
}

// newTable reads the header of text and checks that it has the columns want.
func newTable(name, sep, text string, want ...string) (*table, error) {
	t := &table{name: name, sep: sep, rest: text, cols: map[string]int{}}
	if !t.next() {
		return nil, t.errorf("empty file")
	}
	for i, col := range t.fields {
		t.cols[col] = i
	}
	for _, col := range want {
		if _, ok := t.cols[col]; !ok {
			return nil, t.errorf("no column %q", col)
		}
	}
	return t, nil
}

// next reads the following non-empty line; it reports false at the end.
func (t *table) next() bool {
	for t.rest != "" {
		var line string
		line, t.rest, _ = strings.Cut(t.rest, "\n")
		t.line++
		if line = strings.TrimSuffix(line, "\r"); line != "" {
			t.fields = t.fields[:0]
			for f := range strings.SplitSeq(line, t.sep) {
				t.fields = append(t.fields, f)
			}
			return true
		}
	}
	return false
}

// get returns the field of the current line in column col, "" when the line
// is short.
func (t *table) get(col string) string {
	if i := t.cols[col]; i < len(t.fields) {
		return strings.TrimSpace(t.fields[i])
	}
	return ""
}

// errorf returns an ErrReference naming the file and the current line.
func (t *table) errorf(format string, args ...any) error {
	return fmt.Errorf("%w: %s line %d: %s", ErrReference, t.name, t.line, fmt.Sprintf(format, args...))
}
