package rpps

import (
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"
)

// maxContent is the most bytes of a rejected line kept in LineError.Content.
const maxContent = 1 << 10

// LineError is a rejected line; the Reader goes on after it.
type LineError struct {
	Line   int64  // 1-based line number (the header is line 1)
	Column string // the column at fault, empty when the fault is not in one column
	Reason string
	// Content is the raw line, cut to 1 KiB. It holds the data of a professional: it
	// belongs in an import report, not in service logs.
	Content string
}

// Error describes the line and the column at fault, as in
// "line 12, column Identifiant PP: …".
func (e *LineError) Error() string {
	if e.Column == "" {
		return "line " + strconv.FormatInt(e.Line, 10) + ": " + e.Reason
	}
	return fmt.Sprintf("line %d, column %s: %s", e.Line, e.Column, e.Reason)
}

// HeaderError refuses a whole file: empty file, bad encoding or separator of the header,
// or missing required columns.
type HeaderError struct {
	Reason  string
	Missing []string // the required columns the header lacks
}

// Error describes the fault of the header and names each missing column.
func (e *HeaderError) Error() string {
	if len(e.Missing) == 0 {
		return "header: " + e.Reason
	}
	return "header: " + e.Reason + ": " + quoteAll(e.Missing)
}

// quoteAll quotes names and joins them with commas.
func quoteAll(names []string) string {
	q := make([]string, len(names))
	for i, n := range names {
		q[i] = strconv.Quote(n)
	}
	return strings.Join(q, ", ")
}

// cut returns the start of line, at most maxContent bytes, not splitting a UTF-8 character.
func cut[T ~string | ~[]byte](line T) string {
	if len(line) <= maxContent {
		return string(line)
	}
	n := maxContent
	for n > maxContent-utf8.UTFMax && !utf8.RuneStart(line[n]) {
		n--
	}
	return strings.Clone(string(line[:n]))
}
