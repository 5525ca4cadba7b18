package audit

import (
	"context"

	"google.golang.org/grpc"
)

// UnaryServerInterceptor records an event for every call of a method that
// audited reports true for, once the handler returned.
func (r *Recorder) UnaryServerInterceptor(audited func(method string) bool) grpc.UnaryServerInterceptor {
	return func(ctx context.Context, req any, info *grpc.UnaryServerInfo, h grpc.UnaryHandler) (any, error) {
		if !audited(info.FullMethod) {
			return h(ctx, req)
		}
		ctx, note := withNote(ctx)
		resp, err := h(ctx, req)
		r.Record(ctx, note.event(info.FullMethod, req, err))
		return resp, err
	}
}

// StreamServerInterceptor records one event per audited stream, when it ends.
func (r *Recorder) StreamServerInterceptor(audited func(method string) bool) grpc.StreamServerInterceptor {
	return func(srv any, ss grpc.ServerStream, info *grpc.StreamServerInfo, h grpc.StreamHandler) error {
		if !audited(info.FullMethod) {
			return h(srv, ss)
		}
		ctx, note := withNote(ss.Context())
		err := h(srv, &stream{ServerStream: ss, ctx: ctx})
		r.Record(ctx, note.event(info.FullMethod, nil, err))
		return err
	}
}

type stream struct {
	grpc.ServerStream
	ctx context.Context
}

func (s *stream) Context() context.Context { return s.ctx }
