package grpcserver

import (
	"context"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
)

// authenticate runs auth for method and returns the context to go on with,
// or the status error to answer.
func authenticate(ctx context.Context, auth Authenticator, method string) (context.Context, error) {
	if auth == nil || exempt(method) {
		return ctx, nil
	}
	authed, err := auth(ctx, method)
	switch {
	case err == nil && authed != nil:
		return authed, nil
	case err == nil:
		return ctx, nil
	}
	if _, ok := status.FromError(err); ok {
		return nil, err
	}
	if st := status.FromContextError(err); st.Code() != codes.Unknown {
		return nil, st.Err()
	}
	return nil, status.Error(codes.Unauthenticated, "unauthenticated")
}

func unaryAuth(auth Authenticator) grpc.UnaryServerInterceptor {
	return func(ctx context.Context, req any, info *grpc.UnaryServerInfo, h grpc.UnaryHandler) (any, error) {
		ctx, err := authenticate(ctx, auth, info.FullMethod)
		if err != nil {
			return nil, err
		}
		return h(ctx, req)
	}
}

func streamAuth(auth Authenticator) grpc.StreamServerInterceptor {
	return func(srv any, ss grpc.ServerStream, info *grpc.StreamServerInfo, h grpc.StreamHandler) error {
		ctx, err := authenticate(ss.Context(), auth, info.FullMethod)
		if err != nil {
			return err
		}
		return h(srv, withContext(ss, ctx))
	}
}
