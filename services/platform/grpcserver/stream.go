package grpcserver

import (
	"context"

	"google.golang.org/grpc"
)

// serverStream is a grpc.ServerStream with another context.
type serverStream struct {
	grpc.ServerStream
	ctx context.Context
}

// Context returns the stream's replaced context.
func (s *serverStream) Context() context.Context {
	return s.ctx
}

func withContext(ss grpc.ServerStream, ctx context.Context) grpc.ServerStream {
	return &serverStream{ServerStream: ss, ctx: ctx}
}
