package fhir

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
)

// Issue is one issue of an OperationOutcome; its severity is always "error".
type Issue struct {
	Code        IssueCode
	Diagnostics string
	Expression  []string // FHIRPath of the elements at fault
}

// Outcome is what became of one entry of a pushed Bundle.
type Outcome struct {
	// Status is the HTTP status of the entry: 201 or 200 for a stored slot
	// or appointment, 204 or 200 for a deletion, 200 for an entry that only
	// supports slots, 4xx for a refused entry.
	Status   int
	Location string  // "Slot/{id}" or "Appointment/{id}" of a stored one, optional
	Issues   []Issue // why the entry was refused; empty for a 2xx
}

// ErrorIssue describes err as an Issue: an *EntryError or *ResourceError
// with its code and path, ErrTooLarge as too-costly, ErrMalformed as
// structure, any other error as processing.
func ErrorIssue(err error) Issue {
	var ee *EntryError
	var re *ResourceError
	switch {
	case errors.As(err, &ee):
		return Issue{Code: ee.Code, Diagnostics: ee.Error(), Expression: []string{ee.Path}}
	case errors.As(err, &re):
		is := Issue{Code: re.Code, Diagnostics: re.Error()}
		if re.Path != "" {
			is.Expression = []string{re.Path}
		}
		return is
	case errors.Is(err, ErrTooLarge):
		return Issue{Code: IssueTooCostly, Diagnostics: err.Error()}
	case errors.Is(err, ErrMalformed):
		return Issue{Code: IssueStructure, Diagnostics: err.Error()}
	default:
		return Issue{Code: IssueProcessing, Diagnostics: err.Error()}
	}
}

// Outcomes returns one Outcome per entry of the decoded Bundle: 400 with the
// issue for refused entries, 200 for entries that only support slots, and a
// zero Status for slots, deletions and appointments, which the caller sets
// once it has stored them.
func (r *Result) Outcomes() []Outcome {
	out := make([]Outcome, r.Entries)
	for i := range out {
		out[i].Status = http.StatusOK
	}
	for _, s := range r.Slots {
		out[s.Index] = Outcome{}
	}
	for _, d := range r.Deletes {
		out[d.Index] = Outcome{}
	}
	for _, a := range r.Appointments {
		out[a.Index] = Outcome{}
	}
	for _, e := range r.Errors {
		out[e.Index] = Outcome{Status: http.StatusBadRequest, Issues: []Issue{ErrorIssue(e)}}
	}
	return out
}

// EncodeResponse writes the response Bundle of a pushed Bundle of type
// bundleType: a transaction-response for a transaction, a batch-response
// otherwise, with one entry per outcome in order. Each entry is answered on
// its own, even in a transaction: the good entries are kept.
func EncodeResponse(w io.Writer, bundleType string, outcomes []Outcome) error {
	typ := "batch-response"
	if bundleType == TypeTransaction {
		typ = "transaction-response"
	}
	b := responseBundle{ResourceType: "Bundle", Type: typ, Entry: make([]responseEntry, len(outcomes))}
	for i, o := range outcomes {
		if o.Status < 100 || o.Status > 599 {
			return fmt.Errorf("encode response: entry[%d] has no HTTP status (%d)", i, o.Status)
		}
		r := &entryResponse{Status: fmt.Sprintf("%d %s", o.Status, http.StatusText(o.Status)), Location: o.Location}
		if len(o.Issues) > 0 {
			r.Outcome = outcome(o.Issues)
		}
		b.Entry[i].Response = r
	}
	return encode(w, b)
}

// OperationOutcome writes an OperationOutcome of the issues, such as the
// answer to a whole request refused with ErrorIssue(err).
func OperationOutcome(w io.Writer, issues ...Issue) error {
	if len(issues) == 0 {
		return errors.New("encode OperationOutcome: no issue")
	}
	return encode(w, outcome(issues))
}

type responseBundle struct {
	ResourceType string          `json:"resourceType"`
	Type         string          `json:"type"`
	Entry        []responseEntry `json:"entry"`
}

type responseEntry struct {
	Response *entryResponse `json:"response"`
}

// outcome builds an OperationOutcome resource.
func outcome(issues []Issue) *operationOutcome {
	o := &operationOutcome{ResourceType: "OperationOutcome", Issue: make([]issue, len(issues))}
	for i, is := range issues {
		o.Issue[i] = issue{Severity: "error", Code: string(is.Code), Diagnostics: is.Diagnostics, Expression: is.Expression}
	}
	return o
}

// encode writes v as JSON.
func encode(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return fmt.Errorf("encode FHIR JSON: %w", err)
	}
	return nil
}
