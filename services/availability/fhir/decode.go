package fhir

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"reflect"

	availabilityv1 "github.com/sas-platform/sas/gen/sas/availability/v1"
)

// Default limits of Decode.
const (
	DefaultMaxBytes   = 32 << 20
	DefaultMaxEntries = 10_000
)

// Bundle types Decode accepts.
const (
	TypeSearchset   = "searchset"
	TypeTransaction = "transaction"
	TypeBatch       = "batch"
)

// Options limits Decode; zero values take the defaults.
type Options struct {
	MaxBytes   int64 // largest document, DefaultMaxBytes when 0
	MaxEntries int   // most entries, DefaultMaxEntries when 0
}

// Result is a decoded Bundle: the good slots, deletions and appointments, and
// one error per refused entry. Entries that are none of these (Schedule,
// Practitioner, …) support the others and have no outcome of their own.
type Result struct {
	Type    string // Bundle.type: searchset, transaction or batch
	Entries int    // len(Bundle.entry)
	// Next is the searchset's link with relation "next", when the vendor pages.
	Next    string
	Slots   []Entry
	Deletes []Delete
	// Appointments are the bookings of a transaction or batch (see
	// AppointmentEntry); in a searchset an Appointment is refused.
	Appointments []AppointmentEntry
	Errors       []*EntryError // in entry order
}

// Entry is a decoded slot with where it came from.
type Entry struct {
	Index   int    // index in Bundle.entry
	FullURL string // the entry's fullUrl, when any
	// Slot has external_id (the vendor's Slot.id), professional ("" for a
	// structure's slot, as SOS Médecins send), place, times, status,
	// visibility, consultation modes, specialty, appointment type and booking
	// URL set; the service fills the rest.
	Slot *availabilityv1.Slot
}

// Delete is a transaction or batch entry "DELETE Slot/{id}".
type Delete struct {
	Index      int    // index in Bundle.entry
	ExternalID string // the vendor's Slot.id
}

// Decode reads a FHIR R4 Bundle of type searchset, transaction or batch and
// returns its slots, deletions and appointments. A malformed or oversized document is one error wrapping
// ErrMalformed or ErrTooLarge; a bad entry is an EntryError in Result.Errors
// and the good entries still come out.
func Decode(r io.Reader, opts Options) (Result, error) {
	data, err := readLimited(r, opts.maxBytes())
	if err != nil {
		return Result{}, err
	}
	b, err := unmarshalBundle(data)
	if err != nil {
		return Result{}, err
	}
	if n := len(b.Entry); n > opts.maxEntries() {
		return Result{}, fmt.Errorf("%w: %d entries, at most %d", ErrTooLarge, n, opts.maxEntries())
	}
	d := newDecoder(b)
	return d.decode(), nil
}

func (o Options) maxBytes() int64 {
	if o.MaxBytes <= 0 {
		return DefaultMaxBytes
	}
	return o.MaxBytes
}

func (o Options) maxEntries() int {
	if o.MaxEntries <= 0 {
		return DefaultMaxEntries
	}
	return o.MaxEntries
}

// readLimited reads r up to max bytes.
func readLimited(r io.Reader, max int64) ([]byte, error) {
	data, err := io.ReadAll(io.LimitReader(r, max+1))
	if err != nil {
		return nil, fmt.Errorf("read FHIR document: %w", err)
	}
	if int64(len(data)) > max {
		return nil, fmt.Errorf("%w: over %d bytes", ErrTooLarge, max)
	}
	return data, nil
}

// unmarshalBundle parses data as a Bundle of an accepted type.
func unmarshalBundle(data []byte) (*bundle, error) {
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	if len(bytes.TrimSpace(data)) == 0 {
		return nil, malformed("empty document")
	}
	var b bundle
	if err := json.Unmarshal(data, &b); err != nil {
		f := jsonFault(err, "Bundle")
		return nil, malformed("%s: %s", f.path, f.reason)
	}
	switch {
	case b.ResourceType == "":
		return nil, malformed("resourceType missing, want \"Bundle\"")
	case b.ResourceType != "Bundle":
		return nil, malformed("resourceType %s, want \"Bundle\"", q(b.ResourceType))
	}
	switch b.Type {
	case TypeSearchset, TypeTransaction, TypeBatch:
		return &b, nil
	case "":
		return nil, malformed("Bundle.type missing, want searchset, transaction or batch")
	default:
		return nil, malformed("Bundle.type %s not accepted, want searchset, transaction or batch", q(b.Type))
	}
}

// jsonFault explains a json.Unmarshal error of the element root, with the
// FHIRPath of the element at fault.
func jsonFault(err error, root string) *fault {
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syn):
		return faultf(root, IssueStructure, "not JSON: %v at byte %d", syn, syn.Offset)
	case errors.As(err, &typ):
		path := root
		if typ.Field != "" {
			path += "." + typ.Field
		}
		return faultf(path, IssueStructure, "want %s, got JSON %s", jsonKind(typ.Type), typ.Value)
	default:
		return faultf(root, IssueStructure, "%v", err)
	}
}

// jsonKind names the JSON value a Go type decodes.
func jsonKind(t reflect.Type) string {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch t.Kind() {
	case reflect.Struct, reflect.Map:
		return "an object"
	case reflect.Slice, reflect.Array:
		return "an array"
	case reflect.String:
		return "a string"
	case reflect.Bool:
		return "a boolean"
	default:
		return "a number"
	}
}
