package rpps

import (
	"bufio"
	"fmt"
	"io"
)

// readLine returns the next line without its line end ("\n" or "\r\n"). The slice is valid
// until the next read. A line longer than maxLine is skipped and reported as a *LineError.
func (r *Reader) readLine() ([]byte, error) {
	b, err := r.br.ReadSlice('\n')
	r.offset += int64(len(b))
	switch {
	case err == bufio.ErrBufferFull:
		r.line++
		return nil, r.skipLong(b)
	case err == io.EOF && len(b) == 0:
		return nil, io.EOF
	case err != nil && err != io.EOF:
		return nil, fmt.Errorf("read line %d: %w", r.line+1, err)
	}
	r.line++
	b = trimLineEnd(b)
	if len(b) > maxLine {
		return nil, r.tooLong(b, int64(len(b)))
	}
	return b, nil
}

// skipLong discards the rest of a line whose start, head, filled the buffer.
func (r *Reader) skipLong(head []byte) error {
	e := r.tooLong(head, 0)
	size := int64(len(head))
	for {
		b, err := r.br.ReadSlice('\n')
		r.offset += int64(len(b))
		size += int64(len(b))
		switch err {
		case nil, io.EOF:
			e.Reason = tooLongReason(size - int64(len(b)-len(trimLineEnd(b))))
			return e
		case bufio.ErrBufferFull:
		default:
			return fmt.Errorf("read line %d: %w", r.line, err)
		}
	}
}

// tooLong reports the current line as longer than maxLine, keeping its first KiB.
func (r *Reader) tooLong(head []byte, size int64) *LineError {
	return &LineError{Line: r.line, Reason: tooLongReason(size), Content: cut(head)}
}

// tooLongReason explains a rejected long line of size bytes.
func tooLongReason(size int64) string {
	return fmt.Sprintf("line of %d bytes, longer than the limit of %d", size, maxLine)
}

// trimLineEnd removes a final "\n" or "\r\n".
func trimLineEnd(b []byte) []byte {
	if n := len(b); n > 0 && b[n-1] == '\n' {
		b = b[:n-1]
	}
	if n := len(b); n > 0 && b[n-1] == '\r' {
		b = b[:n-1]
	}
	return b
}
