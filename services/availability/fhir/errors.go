package fhir

import (
	"errors"
	"fmt"
	"strconv"
	"unicode/utf8"
)

// Whole-document errors returned by Decode, wrapped with what is wrong.
var (
	// ErrMalformed: the document is not JSON, not a Bundle, or not a Bundle
	// type this package accepts. Answer 400 with OperationOutcome.
	ErrMalformed = errors.New("malformed FHIR Bundle")
	// ErrTooLarge: the document is over Options.MaxBytes or has more than
	// Options.MaxEntries entries. Answer 413 with OperationOutcome.
	ErrTooLarge = errors.New("FHIR Bundle too large")
)

// IssueCode is a FHIR OperationOutcome issue type (value set issue-type).
type IssueCode string

// Issue types used by this package.
const (
	IssueStructure    IssueCode = "structure"
	IssueRequired     IssueCode = "required"
	IssueValue        IssueCode = "value"
	IssueCodeInvalid  IssueCode = "code-invalid"
	IssueNotFound     IssueCode = "not-found"
	IssueDuplicate    IssueCode = "duplicate"
	IssueNotSupported IssueCode = "not-supported"
	IssueTooCostly    IssueCode = "too-costly"
	IssueProcessing   IssueCode = "processing"
	IssueBusinessRule IssueCode = "business-rule"
	IssueInvalid      IssueCode = "invalid"
	IssueLogin        IssueCode = "login"
	IssueForbidden    IssueCode = "forbidden"
	IssueThrottled    IssueCode = "throttled"
)

// EntryError is a refused entry of a Bundle; the other entries are still
// decoded.
type EntryError struct {
	Index    int    // zero-based index of the entry in Bundle.entry
	FullURL  string // the entry's fullUrl, when any
	Resource string // "Slot/{id}" when the resource has a type and an id
	// Path is the FHIRPath of the element at fault, such as
	// "Bundle.entry[3].resource.end". It may point into another entry the
	// refused one depends on, such as its Schedule's Practitioner.
	Path   string
	Code   IssueCode
	Reason string
}

// Error names the entry, the element and the reason, as in
// `entry[3] (Slot/s1): Bundle.entry[3].resource.end: "…" is not after start "…"`.
func (e *EntryError) Error() string {
	name := e.Resource
	if name == "" {
		name = e.FullURL
	}
	if name == "" {
		return fmt.Sprintf("entry[%d]: %s: %s", e.Index, e.Path, e.Reason)
	}
	return fmt.Sprintf("entry[%d] (%s): %s: %s", e.Index, quoteCut(name), e.Path, e.Reason)
}

// ResourceError is a refused resource sent on its own, outside a Bundle, as
// DecodeAppointment reads one.
type ResourceError struct {
	Resource string // "Appointment/{id}" when the resource has a type and an id
	// Path is the FHIRPath of the element at fault, such as
	// "Appointment.end"; "" when the request URL is at fault.
	Path   string
	Code   IssueCode
	Reason string
}

// Error names the resource, the element and the reason, as in
// `Appointment/a1: Appointment.end: "…" is not after start "…"`.
func (e *ResourceError) Error() string {
	msg := e.Reason
	if e.Path != "" {
		msg = e.Path + ": " + msg
	}
	if e.Resource != "" {
		msg = quoteCut(e.Resource) + ": " + msg
	}
	return msg
}

// fault is an EntryError before it is given its entry.
type fault struct {
	path   string
	code   IssueCode
	reason string
}

// faultf returns a fault with a formatted reason.
func faultf(path string, code IssueCode, format string, args ...any) *fault {
	return &fault{path: path, code: code, reason: fmt.Sprintf(format, args...)}
}

// malformed wraps ErrMalformed with a reason.
func malformed(format string, args ...any) error {
	return fmt.Errorf("%w: %s", ErrMalformed, fmt.Sprintf(format, args...))
}

// maxQuoted is the most bytes of a vendor's value quoted in an error.
const maxQuoted = 80

// q quotes a vendor's value for an error message, cut to maxQuoted bytes.
func q(s string) string {
	if len(s) <= maxQuoted {
		return strconv.Quote(s)
	}
	n := maxQuoted
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return strconv.Quote(s[:n]) + "…"
}

// quoteCut returns s as is when short, else cut and quoted by q.
func quoteCut(s string) string {
	if len(s) <= maxQuoted {
		return s
	}
	return q(s)
}
