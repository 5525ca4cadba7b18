package grpcserver_test

import (
	"context"
	"errors"
	"io"

	"google.golang.org/grpc"
	testgrpc "google.golang.org/grpc/interop/grpc_testing"
)

// service is the grpc.testing.TestService whose unary and server-streaming
// calls run the test's function on their context.
type service struct {
	testgrpc.UnimplementedTestServiceServer
	unary  func(ctx context.Context) error
	stream func(ctx context.Context) error
}

func (s *service) UnaryCall(ctx context.Context, req *testgrpc.SimpleRequest) (*testgrpc.SimpleResponse, error) {
	if s.unary != nil {
		if err := s.unary(ctx); err != nil {
			return nil, err
		}
	}
	// The answer echoes the request, and the handler then changes the request.
	res := &testgrpc.SimpleResponse{Username: req.GetPayload().String()}
	req.Payload = &testgrpc.Payload{Body: []byte("changed by the handler")}
	return res, nil
}

func (s *service) StreamingOutputCall(_ *testgrpc.StreamingOutputCallRequest, ss grpc.ServerStreamingServer[testgrpc.StreamingOutputCallResponse]) error {
	if s.stream != nil {
		if err := s.stream(ss.Context()); err != nil {
			return err
		}
	}
	return ss.Send(&testgrpc.StreamingOutputCallResponse{})
}

// streamCall runs StreamingOutputCall to its end and returns its header and
// final error.
func streamCall(ctx context.Context, c testgrpc.TestServiceClient, opts ...grpc.CallOption) (map[string][]string, error) {
	st, err := c.StreamingOutputCall(ctx, &testgrpc.StreamingOutputCallRequest{}, opts...)
	if err != nil {
		return nil, err
	}
	for {
		if _, err := st.Recv(); err != nil {
			md, _ := st.Header()
			if errors.Is(err, io.EOF) {
				err = nil
			}
			return md, err
		}
	}
}
