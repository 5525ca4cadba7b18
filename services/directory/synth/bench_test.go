package synth

import "testing"

// counter counts the bytes written to it.
type counter struct{ n int64 }

func (c *counter) Write(p []byte) (int, error) {
	c.n += int64(len(p))
	return len(p), nil
}

func BenchmarkGenerate(b *testing.B) {
	c := ref(b)
	var size int64
	for b.Loop() {
		var w counter
		st, err := Generate(&w, c, Options{Professionals: 100_000, Seed: 1})
		if err != nil {
			b.Fatal(err)
		}
		size = w.n
		b.ReportMetric(float64(st.Lines), "lines/op")
	}
	b.SetBytes(size)
}
