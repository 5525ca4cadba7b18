package rpps

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
)

// maxLine is the longest line accepted, line end excluded.
const maxLine = 64 << 10

// bom is the UTF-8 byte order mark some tools put before the header.
var bom = []byte("\ufeff")

// Reader reads the activities of an extraction, one line at a time. It is not safe for
// concurrent use.
type Reader struct {
	br     *bufio.Reader
	head   *header
	line   int64 // number of the last line read
	offset int64 // bytes consumed
	err    error // io.EOF or a fatal error, returned by every later Next
}

// NewReader reads and checks the header of an extraction. It returns a *HeaderError when the
// file is empty, the header is not UTF-8 or not '|'-separated, or a required column is
// missing. Columns are found by name: their order does not matter and unknown columns are
// ignored.
func NewReader(r io.Reader) (*Reader, error) {
	rd := &Reader{br: bufio.NewReaderSize(r, maxLine+len("\r\n"))}
	line, err := rd.readLine()
	var le *LineError
	switch {
	case err == io.EOF:
		return nil, &HeaderError{Reason: "empty file"}
	case errors.As(err, &le):
		return nil, &HeaderError{Reason: "header line longer than 64 KiB"}
	case err != nil:
		return nil, fmt.Errorf("read header: %w", err)
	}
	if rd.head, err = parseHeader(bytes.TrimPrefix(line, bom)); err != nil {
		return nil, err
	}
	return rd, nil
}

// Next returns the next activity. It returns io.EOF at the end of the file and a *LineError
// for a rejected line, after which Next may be called again; any other error is fatal.
// Blank lines are skipped.
func (r *Reader) Next() (*Activity, error) {
	if r.err != nil {
		return nil, r.err
	}
	for {
		line, err := r.readLine()
		if err != nil {
			var le *LineError
			if !errors.As(err, &le) {
				r.err = err
			}
			return nil, err
		}
		if len(line) > 0 {
			return r.parse(line)
		}
	}
}

// Offset returns the number of bytes consumed so far, header included.
func (r *Reader) Offset() int64 {
	return r.offset
}
