package index

import (
	"errors"
	"fmt"
	"strings"
)

// ErrInvalidQuery is matched (errors.Is) by every *QueryError.
var ErrInvalidQuery = errors.New("invalid search")

// ErrNoSAS is returned for a place whose territory has no SAS yet (Mayotte,
// Guyane: radii 0): FAILED_PRECONDITION at the service boundary.
var ErrNoSAS = errors.New("SAS does not run in this territory yet")

// QueryError is a bad field of a search request: INVALID_ARGUMENT with a
// BadRequest field violation at the service boundary.
type QueryError struct {
	// Field is the request field, "commune_name", "page_token", "visibilities[1]".
	Field string
	// Description says what is wrong and what is expected.
	Description string
	// Candidates lists, for an ambiguous commune name, the communes it may
	// mean: "Saint-Paul (97415, 974)".
	Candidates []string
}

// Error returns "commune_name: ambiguous: Saint-Paul (97415, 974), …".
func (e *QueryError) Error() string {
	if len(e.Candidates) == 0 {
		return e.Field + ": " + e.Description
	}
	return fmt.Sprintf("%s: %s: %s", e.Field, e.Description, strings.Join(e.Candidates, ", "))
}

// Unwrap returns ErrInvalidQuery.
func (e *QueryError) Unwrap() error { return ErrInvalidQuery }

// invalid returns a QueryError on field.
func invalid(field, format string, args ...any) error {
	return &QueryError{Field: field, Description: fmt.Sprintf(format, args...)}
}
