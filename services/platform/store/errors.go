// Package store holds the sentinel errors that every store engine classifies
// its driver errors into, so services check them with errors.Is whatever the
// engine.
package store

import "errors"

var (
	// ErrNotFound reports that the requested row does not exist.
	ErrNotFound = errors.New("store: not found")
	// ErrAlreadyExists reports a unique constraint violation.
	ErrAlreadyExists = errors.New("store: already exists")
	// ErrConflict reports an etag mismatch on a conditional write.
	ErrConflict = errors.New("store: conflict")
	// ErrFailedPrecondition reports a foreign key violation: a referenced row
	// is missing or a referencing row still exists.
	ErrFailedPrecondition = errors.New("store: failed precondition")
	// ErrRetry reports a transient failure (serialization failure, deadlock,
	// busy database): the whole transaction may be retried.
	ErrRetry = errors.New("store: retry")
)
