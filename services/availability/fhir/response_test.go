package fhir

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"
)

// responseOf parses a response Bundle.
type responseOf struct {
	ResourceType string `json:"resourceType"`
	Type         string `json:"type"`
	Entry        []struct {
		Response entryResponse `json:"response"`
	} `json:"entry"`
}

func TestEncodeResponse(t *testing.T) {
	doc := parseJSON(t, twoChains)
	set(t, doc, "type", "transaction")
	set(t, doc, "entry.1.resource.end", "2026-01-05T09:00:00Z")
	res := decodeBytes(t, mustJSON(t, doc))
	outs := res.Outcomes()
	if err := EncodeResponse(&bytes.Buffer{}, res.Type, outs); err == nil {
		t.Error("EncodeResponse accepted an entry without status")
	}
	for _, s := range res.Slots {
		outs[s.Index] = Outcome{Status: http.StatusCreated, Location: "Slot/" + s.Slot.GetExternalId()}
	}
	var buf bytes.Buffer
	if err := EncodeResponse(&buf, res.Type, outs); err != nil {
		t.Fatal(err)
	}
	var got responseOf
	if err := json.Unmarshal(buf.Bytes(), &got); err != nil {
		t.Fatal(err)
	}
	if got.ResourceType != "Bundle" || got.Type != "transaction-response" || len(got.Entry) != 8 {
		t.Fatalf("response %s", buf.String())
	}
	var statuses []string
	for _, e := range got.Entry {
		statuses = append(statuses, e.Response.Status)
	}
	want := []string{"201 Created", "400 Bad Request", "200 OK", "200 OK", "200 OK", "200 OK", "200 OK", "200 OK"}
	if !slices.Equal(statuses, want) {
		t.Errorf("statuses %v, want %v", statuses, want)
	}
	if l := got.Entry[0].Response.Location; l != "Slot/a" {
		t.Errorf("location %q", l)
	}
	o := got.Entry[1].Response.Outcome
	if o == nil || o.ResourceType != "OperationOutcome" || len(o.Issue) != 1 {
		t.Fatalf("outcome %+v", o)
	}
	is := o.Issue[0]
	if is.Severity != "error" || is.Code != "value" || !slices.Equal(is.Expression, []string{"Bundle.entry[1].resource.end"}) ||
		!strings.HasPrefix(is.Diagnostics, "entry[1] (Slot/b): ") {
		t.Errorf("issue %+v", is)
	}
}

func TestBatchResponse(t *testing.T) {
	var buf bytes.Buffer
	if err := EncodeResponse(&buf, TypeSearchset, []Outcome{{Status: 204}}); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(buf.String(), `"type":"batch-response"`) || !strings.Contains(buf.String(), `"status":"204 No Content"`) {
		t.Error(buf.String())
	}
}

func TestOperationOutcome(t *testing.T) {
	_, err := Decode(strings.NewReader(`{"resourceType": "Patient"}`), Options{})
	tests := []struct {
		err  error
		code IssueCode
	}{
		{err, IssueStructure},
		{fmt.Errorf("%w: over 10 bytes", ErrTooLarge), IssueTooCostly},
		{errors.New("store down"), IssueProcessing},
	}
	for _, tt := range tests {
		var buf bytes.Buffer
		if err := OperationOutcome(&buf, ErrorIssue(tt.err)); err != nil {
			t.Fatal(err)
		}
		var o operationOutcome
		if err := json.Unmarshal(buf.Bytes(), &o); err != nil {
			t.Fatal(err)
		}
		if o.ResourceType != "OperationOutcome" || len(o.Issue) != 1 || o.Issue[0].Severity != "error" ||
			o.Issue[0].Code != string(tt.code) || o.Issue[0].Diagnostics != tt.err.Error() {
			t.Errorf("%v: %s", tt.err, buf.String())
		}
	}
	if err := OperationOutcome(&bytes.Buffer{}); err == nil {
		t.Error("OperationOutcome accepted no issue")
	}
}
