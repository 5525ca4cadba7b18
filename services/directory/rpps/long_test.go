package rpps

import (
	"io"
	"runtime"
	"strings"
	"testing"
)

// repeat streams n copies of one byte.
type repeat struct {
	c byte
	n int64
}

// Read fills p with r.c until n bytes are given.
func (r *repeat) Read(p []byte) (int, error) {
	if r.n <= 0 {
		return 0, io.EOF
	}
	p = p[:min(int64(len(p)), r.n)]
	for i := range p {
		p[i] = r.c
	}
	r.n -= int64(len(p))
	return len(p), nil
}

func TestReaderHugeLine(t *testing.T) {
	if testing.Short() {
		t.Skip("streams 100 MB")
	}
	const size = 100 << 20
	good := render(Columns, médecin())
	input := io.MultiReader(
		strings.NewReader(headerLine(Columns)+good),
		&repeat{c: 'x', n: size},
		strings.NewReader("\n"+good),
	)
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	acts, errs := readAll(t, input)
	runtime.ReadMemStats(&after)

	checkLineErrors(t, []lineErr{{3, "", "line of 104857600 bytes"}}, errs)
	if got := lineNumbers(acts); len(got) != 2 || got[0] != 2 || got[1] != 4 {
		t.Errorf("accepted lines %v, want [2 4]", got)
	}
	if len(errs) == 1 && errs[0].Content != strings.Repeat("x", maxContent) {
		t.Errorf("Content of %d bytes, want the first KiB", len(errs[0].Content))
	}
	if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 4<<20 {
		t.Errorf("reading a 100 MB line allocated %d bytes, want less than 4 MiB", alloc)
	}
}
