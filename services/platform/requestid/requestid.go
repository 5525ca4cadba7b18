// Package requestid carries the id of a request through contexts, gRPC
// metadata and HTTP headers, so the log lines of one request can be found
// together across services.
package requestid

import (
	"context"
	"crypto/rand"
	"encoding/hex"
)

// Header is the gRPC metadata key and HTTP header holding the request id.
const Header = "x-request-id"

// MaxLen is the longest request id accepted from a caller.
const MaxLen = 128

type ctxKey struct{}

// NewContext returns a copy of ctx carrying id.
func NewContext(ctx context.Context, id string) context.Context {
	return context.WithValue(ctx, ctxKey{}, id)
}

// FromContext returns the request id carried by ctx, or "" when there is none.
func FromContext(ctx context.Context) string {
	id, _ := ctx.Value(ctxKey{}).(string)
	return id
}

// New returns a random request id: 16 random bytes in lower-case hex.
func New() string {
	var b [16]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails since Go 1.24.
	return hex.EncodeToString(b[:])
}

// Valid reports whether id, received from a caller, may be reused as is: 1 to
// MaxLen characters among letters, digits and "-_.:". Anything else could
// break log lines and is replaced by a new id.
func Valid(id string) bool {
	if id == "" || len(id) > MaxLen {
		return false
	}
	for i := 0; i < len(id); i++ {
		if !validByte(id[i]) {
			return false
		}
	}
	return true
}

func validByte(c byte) bool {
	switch {
	case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9':
		return true
	case c == '-', c == '_', c == '.', c == ':':
		return true
	}
	return false
}
