package rpps

import (
	"bytes"
	"fmt"
	"strings"
	"unicode/utf8"
)

// parse turns one line (without its line end) into an Activity. The fields are substrings
// of a single string made from the line.
func (r *Reader) parse(line []byte) (*Activity, error) {
	if !utf8.Valid(line) {
		return nil, r.encodingError(line)
	}
	s := string(line)
	a := &Activity{Line: r.line}
	if !r.split(s, a) {
		col, reason := r.countFields(s)
		return nil, r.lineError(cut(s), col, reason)
	}
	if col, reason := check(a); reason != "" {
		return nil, r.lineError(cut(s), col, reason)
	}
	return a, nil
}

// split assigns the fields of s to a. It reports false when s does not hold exactly one
// '|'-terminated field per column.
func (r *Reader) split(s string, a *Activity) bool {
	for _, sl := range r.head.slots {
		i := strings.IndexByte(s, '|')
		if i < 0 {
			return false
		}
		if sl != nil {
			*sl(a) = strings.TrimSpace(s[:i])
		}
		s = s[i+1:]
	}
	return strings.TrimSpace(s) == ""
}

// countFields explains why split refused s, naming the column where the line went wrong.
func (r *Reader) countFields(s string) (col, reason string) {
	names := r.head.names
	want := len(names)
	got := strings.Count(s, "|")
	if !strings.HasSuffix(strings.TrimSpace(s), "|") {
		got++
		if got <= want {
			return names[got-1], fmt.Sprintf(
				"line does not end with '|' (truncated?): %d fields, want %d", got, want)
		}
	}
	reason = fmt.Sprintf("%d fields, want %d", got, want)
	if got < want {
		return names[got], reason
	}
	return "", reason
}

// encodingError reports a line that is not UTF-8, naming the column of the first bad byte.
func (r *Reader) encodingError(line []byte) *LineError {
	i := 0
	for i < len(line) {
		c, size := utf8.DecodeRune(line[i:])
		if c == utf8.RuneError && size <= 1 {
			break
		}
		i += size
	}
	col := ""
	if n := bytes.Count(line[:i], []byte("|")); n < len(r.head.names) {
		col = r.head.names[n]
	}
	reason := fmt.Sprintf("not UTF-8 (Latin-1?): byte %#x at offset %d", line[i], i)
	return r.lineError(cut(line), col, reason)
}

// lineError reports the current line as rejected.
func (r *Reader) lineError(content, col, reason string) *LineError {
	return &LineError{Line: r.line, Column: col, Reason: reason, Content: content}
}
