package grpcserver

import (
	"context"
	"log/slog"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
)

// logRPC writes the access log line of an RPC: its method, code and
// duration, never its messages. The request, trace and span ids come from
// ctx through the logger's handler.
func logRPC(ctx context.Context, log *slog.Logger, method string, err error, d time.Duration) {
	code := codeOf(err)
	log.LogAttrs(ctx, levelOf(method, code), "grpc call",
		slog.String("method", method),
		slog.String("code", code.String()),
		slog.Float64("duration_ms", float64(d.Microseconds())/1000),
	)
}

// codeOf returns the code the client gets for err, as grpc-go computes it.
func codeOf(err error) codes.Code {
	if st, ok := status.FromError(err); ok {
		return st.Code()
	}
	return status.FromContextError(err).Code()
}

// levelOf says how loud the line of a call ending with code is: a caller's
// mistake is Info, a failure that may be transient is Warn, a bug is Error.
// Successful health checks and reflection are Debug.
func levelOf(method string, code codes.Code) slog.Level {
	switch code {
	case codes.OK:
		if exempt(method) {
			return slog.LevelDebug
		}
		return slog.LevelInfo
	case codes.Canceled, codes.InvalidArgument, codes.NotFound, codes.AlreadyExists, codes.Unauthenticated:
		return slog.LevelInfo
	case codes.DeadlineExceeded, codes.PermissionDenied, codes.ResourceExhausted, codes.FailedPrecondition,
		codes.Aborted, codes.OutOfRange, codes.Unavailable:
		return slog.LevelWarn
	default:
		return slog.LevelError
	}
}

func unaryAccessLog(log *slog.Logger) grpc.UnaryServerInterceptor {
	return func(ctx context.Context, req any, info *grpc.UnaryServerInfo, h grpc.UnaryHandler) (any, error) {
		start := time.Now()
		resp, err := h(ctx, req)
		logRPC(ctx, log, info.FullMethod, err, time.Since(start))
		return resp, err
	}
}

func streamAccessLog(log *slog.Logger) grpc.StreamServerInterceptor {
	return func(srv any, ss grpc.ServerStream, info *grpc.StreamServerInfo, h grpc.StreamHandler) error {
		start := time.Now()
		err := h(srv, ss)
		logRPC(ss.Context(), log, info.FullMethod, err, time.Since(start))
		return err
	}
}
