package grpcserver

import (
	"context"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/trace"
	"google.golang.org/grpc"
	"google.golang.org/grpc/metadata"

	"github.com/sas-platform/sas/services/platform/requestid"
)

// requestIDAttr links a trace to the log lines of its request.
const requestIDAttr = "sas.request_id"

// withRequestID returns ctx carrying the request id of the call, and that
// id, which it also sets on the call's span.
func withRequestID(ctx context.Context) (context.Context, string) {
	id := incomingRequestID(ctx)
	trace.SpanFromContext(ctx).SetAttributes(attribute.String(requestIDAttr, id))
	return requestid.NewContext(ctx, id), id
}

// incomingRequestID returns the request id the caller sent when it is valid,
// else a new one.
func incomingRequestID(ctx context.Context) string {
	v := metadata.ValueFromIncomingContext(ctx, requestid.Header)
	if len(v) > 0 && requestid.Valid(v[0]) {
		return v[0]
	}
	return requestid.New()
}

// unaryRequestID puts the request id in the context of the call, and sends
// it back in the response header when the call succeeds, else in the
// trailer: a header would turn a trailers-only failure into a committed
// response, which clients never retry.
func unaryRequestID(ctx context.Context, req any, _ *grpc.UnaryServerInfo, h grpc.UnaryHandler) (resp any, err error) {
	ctx, id := withRequestID(ctx)
	md := metadata.Pairs(requestid.Header, id)
	defer func() {
		// SetHeader fails when the handler already sent the header.
		if err != nil || grpc.SetHeader(ctx, md) != nil {
			_ = grpc.SetTrailer(ctx, md)
		}
	}()
	return h(ctx, req)
}

// streamRequestID is unaryRequestID for streams: the id goes in the header
// when the stream sends one, else in the trailer.
func streamRequestID(srv any, ss grpc.ServerStream, _ *grpc.StreamServerInfo, h grpc.StreamHandler) error {
	ctx, id := withRequestID(ss.Context())
	s := &idStream{ServerStream: ss, ctx: ctx, md: metadata.Pairs(requestid.Header, id)}
	defer func() {
		if !s.inHeader {
			ss.SetTrailer(s.md)
		}
	}()
	return h(srv, s)
}

// idStream adds the request id to the header of a stream when the header is
// about to be sent.
type idStream struct {
	grpc.ServerStream
	ctx      context.Context
	md       metadata.MD
	inHeader bool
}

// Context returns the stream's context, carrying the request id.
func (s *idStream) Context() context.Context {
	return s.ctx
}

// SendHeader sends md and the request id.
func (s *idStream) SendHeader(md metadata.MD) error {
	s.setHeader()
	return s.ServerStream.SendHeader(md)
}

// SendMsg sends m, preceded by the header with the request id if it is the
// first message.
func (s *idStream) SendMsg(m any) error {
	s.setHeader()
	return s.ServerStream.SendMsg(m)
}

func (s *idStream) setHeader() {
	if !s.inHeader {
		s.inHeader = s.ServerStream.SetHeader(s.md) == nil
	}
}
