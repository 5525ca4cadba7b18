package rpps

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"testing"
)

// benchLines is the size of the generated file of the benchmarks.
const benchLines = 100_000

// benchActivities returns n activities made from the sample with distinct identifiers.
func benchActivities(b *testing.B, n int) []*Activity {
	f, err := os.Open("testdata/sample.txt")
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	sample, errs := readAll(b, f)
	if len(errs) != 0 || len(sample) == 0 {
		b.Fatalf("sample: %d activities, errors %v", len(sample), errs)
	}
	acts := make([]*Activity, n)
	for i := range acts {
		acts[i] = with(sample[i%len(sample)], func(a *Activity) {
			a.IDType, a.ID = "8", fmt.Sprintf("%011d", 10000000000+i)
			a.NationalID = a.IDType + a.ID
		})
	}
	return acts
}

// benchFile writes acts into an in-memory file.
func benchFile(b *testing.B, acts []*Activity) []byte {
	var buf bytes.Buffer
	w := NewWriter(&buf)
	for _, a := range acts {
		if err := w.Write(a); err != nil {
			b.Fatal(err)
		}
	}
	if err := w.Flush(); err != nil {
		b.Fatal(err)
	}
	return buf.Bytes()
}

func BenchmarkReader(b *testing.B) {
	data := benchFile(b, benchActivities(b, benchLines))
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		r, err := NewReader(bytes.NewReader(data))
		if err != nil {
			b.Fatal(err)
		}
		n := 0
		for _, err = r.Next(); err == nil; _, err = r.Next() {
			n++
		}
		if err != io.EOF || n != benchLines {
			b.Fatalf("read %d lines, then %v", n, err)
		}
	}
}

func BenchmarkWriter(b *testing.B) {
	acts := benchActivities(b, benchLines)
	b.SetBytes(int64(len(benchFile(b, acts))))
	b.ReportAllocs()
	for b.Loop() {
		w := NewWriter(io.Discard)
		for _, a := range acts {
			if err := w.Write(a); err != nil {
				b.Fatal(err)
			}
		}
		if err := w.Flush(); err != nil {
			b.Fatal(err)
		}
	}
}
