package auth

import (
	"context"
	"strings"

	"google.golang.org/grpc/metadata"
)

// BearerFromContext returns the token of the incoming "authorization:
// Bearer <token>" metadata, or "" when there is none.
func BearerFromContext(ctx context.Context) string {
	for _, v := range metadata.ValueFromIncomingContext(ctx, "authorization") {
		if len(v) > 7 && strings.EqualFold(v[:7], "bearer ") {
			return strings.TrimSpace(v[7:])
		}
	}
	return ""
}

// WithBearer returns ctx sending token as outgoing "authorization" metadata.
func WithBearer(ctx context.Context, token string) context.Context {
	return metadata.AppendToOutgoingContext(ctx, "authorization", "Bearer "+token)
}
