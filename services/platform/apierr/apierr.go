// Package apierr turns errors into gRPC statuses once, at the service
// boundary (AIP-193): handlers return either a status built here or a domain
// error; the interceptor maps the rest and hides internal causes.
package apierr

import (
	"context"
	"database/sql/driver"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"strings"
	"syscall"

	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/protoadapt"

	"github.com/sas-platform/sas/services/platform/store"
)

// Domain is the ErrorInfo domain of every error of the platform.
const Domain = "sas.esante.gouv.fr"

// Violation is one bad field of a request.
type Violation struct {
	// Field is the path of the field, e.g. "territory.display_name" or "slots[3].start_time".
	Field string
	// Description says what is wrong and what is expected.
	Description string
}

// InvalidArgument reports bad fields with a BadRequest detail.
func InvalidArgument(violations ...Violation) error {
	br := &errdetails.BadRequest{}
	msg := "invalid request"
	for i, v := range violations {
		br.FieldViolations = append(br.FieldViolations, &errdetails.BadRequest_FieldViolation{Field: v.Field, Description: v.Description})
		if i == 0 {
			msg = fmt.Sprintf("%s: %s", v.Field, v.Description)
		}
	}
	return with(codes.InvalidArgument, msg, br)
}

// InvalidArgumentReason is InvalidArgument with an ErrorInfo reason too
// ("SLOT_IN_THE_PAST"), for clients that act on the kind of fault.
func InvalidArgumentReason(reason string, violations ...Violation) error {
	st := status.Convert(InvalidArgument(violations...))
	if withInfo, err := st.WithDetails(&errdetails.ErrorInfo{Reason: reason, Domain: Domain}); err == nil {
		st = withInfo
	}
	return st.Err()
}

// NotFound reports a missing resource by name.
func NotFound(name string) error {
	return with(codes.NotFound, name+" not found", &errdetails.ResourceInfo{ResourceName: name, Description: "not found"})
}

// Reason builds a status with an ErrorInfo reason ("ETAG_MISMATCH", ...).
func Reason(code codes.Code, reason, msg string, metadata map[string]string) error {
	return with(code, msg, &errdetails.ErrorInfo{Reason: reason, Domain: Domain, Metadata: metadata})
}

// Unimplemented reports an RPC that a later part of the platform builds.
func Unimplemented(method, missing string) error {
	return Reason(codes.Unimplemented, "NOT_BUILT_YET",
		fmt.Sprintf("%s is not built yet: %s", method, missing), map[string]string{"method": method})
}

func with(code codes.Code, msg string, detail protoadapt.MessageV1) error {
	st, err := status.New(code, msg).WithDetails(detail)
	if err != nil {
		return status.Error(code, msg)
	}
	return st.Err()
}

// FromError maps any error to a status: statuses pass through; context
// errors keep their meaning; store sentinels become their canonical codes;
// anything else is INTERNAL, logged here and hidden from the caller.
func FromError(ctx context.Context, log *slog.Logger, method string, err error) error {
	if err == nil {
		return nil
	}
	if _, ok := status.FromError(err); ok {
		return err
	}
	switch {
	case errors.Is(err, context.Canceled):
		return status.Error(codes.Canceled, "request cancelled")
	case errors.Is(err, context.DeadlineExceeded):
		return status.Error(codes.DeadlineExceeded, "deadline exceeded")
	case errors.Is(err, store.ErrNotFound):
		return status.Error(codes.NotFound, "not found")
	case errors.Is(err, store.ErrAlreadyExists):
		return Reason(codes.AlreadyExists, "ALREADY_EXISTS", "already exists", nil)
	case errors.Is(err, store.ErrConflict):
		return Reason(codes.Aborted, "ETAG_MISMATCH", "the resource changed since it was read: read it again", nil)
	case errors.Is(err, store.ErrFailedPrecondition):
		return Reason(codes.FailedPrecondition, "FAILED_PRECONDITION", "a resource it depends on is missing or still in use", nil)
	case errors.Is(err, store.ErrRetry):
		return status.Error(codes.Unavailable, "temporary conflict, retry")
	case databaseAway(err):
		log.WarnContext(ctx, "database unavailable", "method", method, "error", err)
		return status.Error(codes.Unavailable, "the database is restarting or unreachable: retry (with the same request_id for a write)")
	}
	log.ErrorContext(ctx, "internal error", "method", method, "error", err)
	return status.Error(codes.Internal, "internal error")
}

// UnaryServerInterceptor applies FromError to every unary handler's error.
func UnaryServerInterceptor(log *slog.Logger) grpc.UnaryServerInterceptor {
	return func(ctx context.Context, req any, info *grpc.UnaryServerInfo, h grpc.UnaryHandler) (any, error) {
		resp, err := h(ctx, req)
		return resp, FromError(ctx, log, info.FullMethod, err)
	}
}

// StreamServerInterceptor applies FromError to every streaming handler's error.
func StreamServerInterceptor(log *slog.Logger) grpc.StreamServerInterceptor {
	return func(srv any, ss grpc.ServerStream, info *grpc.StreamServerInfo, h grpc.StreamHandler) error {
		return FromError(ss.Context(), log, info.FullMethod, h(srv, ss))
	}
}

// databaseAway reports an error of a database connection that broke or could
// not be made (a restart, a failover): UNAVAILABLE, which clients retry,
// rather than INTERNAL. A write that was committed before its connection
// broke is answered from its request id on the retry.
func databaseAway(err error) bool {
	if errors.Is(err, driver.ErrBadConn) || errors.Is(err, io.ErrUnexpectedEOF) ||
		errors.Is(err, syscall.ECONNREFUSED) || errors.Is(err, syscall.ECONNRESET) || errors.Is(err, syscall.EPIPE) {
		return true
	}
	// PostgreSQL: connection exceptions (class 08) and shutdowns (57P01-03).
	var coded interface{ SQLState() string }
	if errors.As(err, &coded) {
		c := coded.SQLState()
		return strings.HasPrefix(c, "08") || c == "57P01" || c == "57P02" || c == "57P03"
	}
	var retry interface{ SafeToRetry() bool }
	if errors.As(err, &retry) && retry.SafeToRetry() {
		return true
	}
	var ne net.Error
	return errors.As(err, &ne)
}
