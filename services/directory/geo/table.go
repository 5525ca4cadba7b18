package geo

import (
	"errors"
	"fmt"
	"strings"
)

// ErrFormat is returned when a reference file is not as expected.
var ErrFormat = errors.New("bad reference data")

// table reads a comma-separated text without quoting, line by line. Fields are
// substrings of the text, so reading allocates nothing per line.
type table struct {
	name   string
	rest   string
	line   int
	fields []string
}

// newTable checks the header line of text against columns.
func newTable(name, text string, columns ...string) (*table, error) {
	t := &table{name: name, rest: text, fields: make([]string, len(columns))}
	ok, err := t.next()
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, t.errorf("empty file")
	}
	for i, col := range columns {
		if t.fields[i] != col {
			return nil, t.errorf("column %d is %q, want %q", i+1, t.fields[i], col)
		}
	}
	return t, nil
}

// next reads the following non-empty line into t.fields; it reports false at
// the end of the text.
func (t *table) next() (bool, error) {
	for t.rest != "" {
		var line string
		line, t.rest, _ = strings.Cut(t.rest, "\n")
		t.line++
		line = strings.TrimSuffix(line, "\r")
		if line != "" {
			return true, t.split(line)
		}
	}
	return false, nil
}

// split cuts line into t.fields.
func (t *table) split(line string) error {
	if strings.ContainsRune(line, '"') {
		return t.errorf("quoted fields are not supported")
	}
	n := 0
	for field := range strings.SplitSeq(line, ",") {
		if n < len(t.fields) {
			t.fields[n] = field
		}
		n++
	}
	if n != len(t.fields) {
		return t.errorf("%d fields, want %d", n, len(t.fields))
	}
	return nil
}

// errorf returns an ErrFormat naming the file and the current line.
func (t *table) errorf(format string, args ...any) error {
	return fmt.Errorf("%w: %s line %d: %s", ErrFormat, t.name, t.line, fmt.Sprintf(format, args...))
}
