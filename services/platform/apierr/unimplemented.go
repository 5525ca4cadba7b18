package apierr

import (
	"context"
	"strings"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
)

// Roadmap says, per gRPC service full name ("sas.directory.v1.DirectoryService"),
// what still has to be built for its unimplemented RPCs.
type Roadmap map[string]string

// explain replaces the generated "method X not implemented" answer with one
// naming what is missing.
func (r Roadmap) explain(method string, err error) error {
	st, ok := status.FromError(err)
	if !ok || st.Code() != codes.Unimplemented || len(st.Details()) > 0 {
		return err
	}
	service := strings.TrimPrefix(method, "/")
	if i := strings.LastIndex(service, "/"); i >= 0 {
		service = service[:i]
	}
	missing, ok := r[service]
	if !ok {
		return err
	}
	return Unimplemented(method, missing)
}

// UnaryServerInterceptor explains unimplemented unary RPCs.
func (r Roadmap) UnaryServerInterceptor() grpc.UnaryServerInterceptor {
	return func(ctx context.Context, req any, info *grpc.UnaryServerInfo, h grpc.UnaryHandler) (any, error) {
		resp, err := h(ctx, req)
		return resp, r.explain(info.FullMethod, err)
	}
}

// StreamServerInterceptor explains unimplemented streaming RPCs.
func (r Roadmap) StreamServerInterceptor() grpc.StreamServerInterceptor {
	return func(srv any, ss grpc.ServerStream, info *grpc.StreamServerInfo, h grpc.StreamHandler) error {
		return r.explain(info.FullMethod, h(srv, ss))
	}
}
