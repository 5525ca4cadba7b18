package rpps

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// header maps the columns of one file to the fields of an Activity.
type header struct {
	names []string // column names, in file order
	slots []slot   // the field of each column, nil for an unknown column
}

// parseHeader reads the header line (without its line end) and checks its columns.
func parseHeader(line []byte) (*header, error) {
	if !utf8.Valid(line) {
		return nil, &HeaderError{Reason: "header is not UTF-8 (Latin-1?)"}
	}
	s := strings.TrimSpace(string(line))
	switch {
	case s == "":
		return nil, &HeaderError{Reason: "header line is empty"}
	case !strings.Contains(s, "|"):
		return nil, &HeaderError{Reason: separatorReason(s)}
	case !strings.HasSuffix(s, "|"):
		return nil, &HeaderError{Reason: "header does not end with '|'"}
	}
	names := strings.Split(s[:len(s)-1], "|")
	for i := range names {
		names[i] = strings.TrimSpace(names[i])
	}
	return newHeader(names)
}

// separatorReason explains a header without a single '|'.
func separatorReason(s string) string {
	for _, sep := range []string{"\t", ";", ","} {
		if strings.Contains(s, sep) {
			return fmt.Sprintf("wrong separator %q: fields must be separated by '|'", sep)
		}
	}
	return "no '|' separator: fields must be separated by '|'"
}

// newHeader maps names to fields, refusing a repeated known column or a missing required one.
func newHeader(names []string) (*header, error) {
	h := &header{names: names, slots: make([]slot, len(names))}
	seen := make(map[string]bool, len(names))
	for i, n := range names {
		s, ok := slots[n]
		if !ok {
			continue
		}
		if seen[n] {
			return nil, &HeaderError{Reason: fmt.Sprintf("column %q appears twice", n)}
		}
		seen[n] = true
		h.slots[i] = s
	}
	if missing := missingColumns(seen); len(missing) > 0 {
		return nil, &HeaderError{Reason: "missing required columns", Missing: missing}
	}
	return h, nil
}

// missingColumns lists the required columns not in seen, in the order of RequiredColumns.
func missingColumns(seen map[string]bool) []string {
	var missing []string
	for _, n := range RequiredColumns {
		if !seen[n] {
			missing = append(missing, n)
		}
	}
	return missing
}
