package rpps

import (
	"bufio"
	"errors"
	"fmt"
	"io"
)

// ErrInvalidValue is wrapped by Writer.Write for a value the format cannot carry.
var ErrInvalidValue = errors.New("value contains '|' or a line break")

// Writer writes activities in the current format: the columns of Columns, plus RoleColumns
// when WithRoles(true), every line ending with '|'. It does not validate identifiers, so
// tests can write faulty files.
type Writer struct {
	bw    *bufio.Writer
	roles bool
	names []string // the columns written, set with the header
	slots []slot
}

// NewWriter returns a Writer to w. The header is written with the first line (or by Flush
// when there is none). Call Flush when done.
func NewWriter(w io.Writer) *Writer {
	return &Writer{bw: bufio.NewWriterSize(w, 64<<10)}
}

// WithRoles chooses whether the role columns are written; it has no effect once the header
// is written. It returns w.
func (w *Writer) WithRoles(on bool) *Writer {
	if w.names == nil {
		w.roles = on
	}
	return w
}

// Write writes one activity (its Line is ignored). It refuses a value containing '|' or a
// line break, wrapping ErrInvalidValue, and writes nothing then.
func (w *Writer) Write(a *Activity) error {
	w.writeHeader()
	for i, sl := range w.slots {
		if !isClean(*sl(a)) {
			return fmt.Errorf("write line: column %s: %w", w.names[i], ErrInvalidValue)
		}
	}
	for _, sl := range w.slots {
		w.bw.WriteString(*sl(a))
		w.bw.WriteByte('|')
	}
	if err := w.bw.WriteByte('\n'); err != nil {
		return fmt.Errorf("write line: %w", err)
	}
	return nil
}

// Flush writes the header if no line was written, then any buffered data.
func (w *Writer) Flush() error {
	w.writeHeader()
	if err := w.bw.Flush(); err != nil {
		return fmt.Errorf("flush: %w", err)
	}
	return nil
}

// writeHeader writes the header once. Errors stick in the bufio.Writer and are returned by
// the next write or flush.
func (w *Writer) writeHeader() {
	if w.names != nil {
		return
	}
	w.names = append([]string(nil), Columns...)
	if w.roles {
		w.names = append(w.names, RoleColumns...)
	}
	w.slots = make([]slot, len(w.names))
	for i, n := range w.names {
		w.slots[i] = slots[n]
		w.bw.WriteString(n)
		w.bw.WriteByte('|')
	}
	w.bw.WriteByte('\n')
}

// isClean reports whether v holds no '|', '\n' or '\r'.
func isClean(v string) bool {
	for i := 0; i < len(v); i++ {
		if c := v[i]; c == '|' || c == '\n' || c == '\r' {
			return false
		}
	}
	return true
}
