package rpps

import (
	"errors"
	"io"
	"strings"
	"testing"
	"testing/iotest"
)

func TestReaderIOError(t *testing.T) {
	good := render(Columns, médecin())
	tests := []struct {
		name   string
		before string // read before the failure
		header bool   // the failure is in the header
	}{
		{name: "in header", before: "Type d'ident", header: true},
		{name: "after a line", before: headerLine(Columns) + good},
		{name: "in a line", before: headerLine(Columns) + good[:30]},
		{name: "in a long line", before: headerLine(Columns) + strings.Repeat("x", 100<<10)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			input := io.MultiReader(strings.NewReader(tt.before), iotest.ErrReader(errDisk))
			r, err := NewReader(input)
			if tt.header {
				if !errors.Is(err, errDisk) || !strings.HasPrefix(err.Error(), "read header: ") {
					t.Errorf("NewReader = %v, want read header: …%v", err, errDisk)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			err = nextError(r)
			if !errors.Is(err, errDisk) {
				t.Fatalf("Next = %v, want %v", err, errDisk)
			}
			if _, again := r.Next(); again != err {
				t.Errorf("Next after a fatal error = %v, want %v again", again, err)
			}
		})
	}
}

// nextError calls Next until it fails with an error other than a *LineError.
func nextError(r *Reader) error {
	for {
		_, err := r.Next()
		var le *LineError
		if err != nil && !errors.As(err, &le) {
			return err
		}
	}
}
