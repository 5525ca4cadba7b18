package grpcclient_test

import (
	"context"
	"sync"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	testgrpc "google.golang.org/grpc/interop/grpc_testing"
	"google.golang.org/grpc/status"

	"github.com/sas-platform/sas/services/platform/requestid"
)

// service is the grpc.testing.TestService answering UNAVAILABLE to the
// first failures calls, and recording the request id of every call.
type service struct {
	testgrpc.UnimplementedTestServiceServer

	mu       sync.Mutex
	failures int
	ids      []string
}

// attempt records a call and says whether it must fail.
func (s *service) attempt(ctx context.Context) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.ids = append(s.ids, requestid.FromContext(ctx))
	if len(s.ids) <= s.failures {
		return status.Error(codes.Unavailable, "warming up")
	}
	return nil
}

// seen returns the request ids of the calls so far.
func (s *service) seen() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.ids...)
}

func (s *service) UnaryCall(ctx context.Context, _ *testgrpc.SimpleRequest) (*testgrpc.SimpleResponse, error) {
	if err := s.attempt(ctx); err != nil {
		return nil, err
	}
	return &testgrpc.SimpleResponse{}, nil
}

func (s *service) StreamingOutputCall(_ *testgrpc.StreamingOutputCallRequest, ss grpc.ServerStreamingServer[testgrpc.StreamingOutputCallResponse]) error {
	if err := s.attempt(ss.Context()); err != nil {
		return err
	}
	return ss.Send(&testgrpc.StreamingOutputCallResponse{})
}
