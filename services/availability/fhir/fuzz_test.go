package fhir

import (
	"bytes"
	"errors"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func FuzzDecode(f *testing.F) {
	files, err := filepath.Glob("testdata/Bundle-*.json")
	if err != nil || len(files) == 0 {
		f.Fatalf("examples: %v", err)
	}
	for _, name := range files {
		data, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Add([]byte(twoChains))
	f.Add([]byte(strings.Replace(twoChains, `"searchset"`, `"transaction"`, 1)))
	f.Add([]byte(strings.Replace(twoChains, "2026-01-05T10:20:00Z", "2026-01-05T10:20:00+99:00", 1)))
	f.Add([]byte(strings.Replace(twoChains, "Schedule/s2", "Schedule/s1/_history/1", 1)))
	f.Add([]byte(`{"resourceType": "Bundle", "type": "batch", "entry": [1, null, {}, {"resource": {}},
		{"request": {"method": "DELETE", "url": "Slot/x"}}, {"resource": {"resourceType": "Slot", "id": "s"}}]}`))
	f.Add([]byte(`{"resourceType": "Bundle", "type": "searchset", "entry": [{"resource": {"resourceType": "Slot",
		"id": "x", "schedule": {"reference": "#s"}, "start": "2026-01-05T10:00:00Z"}}]}`))
	f.Add([]byte(`{"resourceType": "Bundle"`))
	f.Add([]byte(`[]`))
	f.Add([]byte(""))
	f.Fuzz(func(t *testing.T, data []byte) {
		res, err := Decode(bytes.NewReader(data), Options{MaxEntries: 500})
		if err != nil {
			if !errors.Is(err, ErrMalformed) && !errors.Is(err, ErrTooLarge) {
				t.Fatalf("whole-document error %v is neither ErrMalformed nor ErrTooLarge", err)
			}
			return
		}
		checkResult(t, res)
		slots := slotsOf(res)
		var buf bytes.Buffer
		if err := EncodeSearchset(&buf, slots, EncodeOptions{Base: "https://v.example/fhir"}); err != nil {
			t.Fatalf("decoded slots do not encode: %v", err)
		}
		back, err := Decode(&buf, Options{})
		if err != nil || len(back.Errors) > 0 {
			t.Fatalf("encoded slots do not decode: %v %v", err, back.Errors)
		}
		diffSlots(t, slots, slotsOf(back))
	})
}

// checkResult checks that every error names its entry and that entries have
// one outcome each.
func checkResult(t *testing.T, res Result) {
	t.Helper()
	used := make(map[int]string)
	mark := func(i int, what string) {
		if i < 0 || i >= res.Entries {
			t.Fatalf("%s at entry %d of %d", what, i, res.Entries)
		}
		if prev, ok := used[i]; ok {
			t.Fatalf("entry %d is both %s and %s", i, prev, what)
		}
		used[i] = what
	}
	for _, e := range res.Errors {
		mark(e.Index, "an error")
		if !strings.HasPrefix(e.Error(), fmt.Sprintf("entry[%d]", e.Index)) ||
			!strings.HasPrefix(e.Path, "Bundle.entry[") || e.Code == "" || e.Reason == "" {
			t.Fatalf("error does not name its entry and element: %#v", e)
		}
	}
	for _, s := range res.Slots {
		mark(s.Index, "a slot")
	}
	for _, d := range res.Deletes {
		mark(d.Index, "a deletion")
	}
	outs := res.Outcomes()
	for _, s := range res.Slots {
		outs[s.Index].Status = http.StatusCreated
	}
	for _, d := range res.Deletes {
		outs[d.Index].Status = http.StatusNoContent
	}
	if err := EncodeResponse(&bytes.Buffer{}, res.Type, outs); err != nil {
		t.Fatal(err)
	}
}
