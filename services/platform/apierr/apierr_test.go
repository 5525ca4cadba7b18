package apierr

import (
	"database/sql/driver"
	"net"
	"syscall"

	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"testing"

	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/sas-platform/sas/services/platform/store"
)

func TestFromError(t *testing.T) {
	var logs strings.Builder
	log := slog.New(slog.NewTextHandler(&logs, nil))
	tests := []struct {
		err  error
		code codes.Code
	}{
		{NotFound("territories/X"), codes.NotFound},
		{context.Canceled, codes.Canceled},
		{fmt.Errorf("query: %w", context.DeadlineExceeded), codes.DeadlineExceeded},
		{fmt.Errorf("get: %w", store.ErrNotFound), codes.NotFound},
		{store.ErrAlreadyExists, codes.AlreadyExists},
		{store.ErrConflict, codes.Aborted},
		{store.ErrRetry, codes.Unavailable},
		{store.ErrFailedPrecondition, codes.FailedPrecondition},
		{errors.New("disk on fire at /secret/path"), codes.Internal},
	}
	for _, tt := range tests {
		got := FromError(context.Background(), log, "/m", tt.err)
		if status.Code(got) != tt.code {
			t.Errorf("FromError(%v) = %v, want %v", tt.err, got, tt.code)
		}
	}
	internal := FromError(context.Background(), log, "/m", errors.New("disk on fire at /secret/path"))
	if strings.Contains(internal.Error(), "secret") || !strings.Contains(logs.String(), "secret") {
		t.Errorf("an internal cause must be logged, not returned: %v", internal)
	}
	if FromError(context.Background(), log, "/m", nil) != nil {
		t.Error("nil must stay nil")
	}
}

func TestInvalidArgumentNamesFields(t *testing.T) {
	err := InvalidArgument(Violation{"territory.display_name", "required"}, Violation{"page_size", "negative"})
	st := status.Convert(err)
	if st.Code() != codes.InvalidArgument || st.Message() != "territory.display_name: required" {
		t.Fatalf("got %v", st)
	}
	br, ok := st.Details()[0].(*errdetails.BadRequest)
	if !ok || len(br.FieldViolations) != 2 || br.FieldViolations[1].Field != "page_size" {
		t.Fatalf("details %v", st.Details())
	}
}

func TestRoadmapExplainsOnlyItsServices(t *testing.T) {
	r := Roadmap{"sas.x.v1.XService": "comes with issue 9"}
	generated := status.Error(codes.Unimplemented, "method Get not implemented")
	got := r.explain("/sas.x.v1.XService/Get", generated)
	if !strings.Contains(status.Convert(got).Message(), "issue 9") {
		t.Errorf("got %v", got)
	}
	if got := r.explain("/sas.y.v1.YService/Get", generated); got != generated {
		t.Errorf("another service's answer changed: %v", got)
	}
	if got := r.explain("/sas.x.v1.XService/Get", NotFound("x")); status.Code(got) != codes.NotFound {
		t.Errorf("a non-UNIMPLEMENTED error changed: %v", got)
	}
}

type sqlStateError string

func (e sqlStateError) Error() string    { return "pg: " + string(e) }
func (e sqlStateError) SQLState() string { return string(e) }

// TestDatabaseAwayIsUnavailable: a database restarting or unreachable is
// UNAVAILABLE (clients retry), a constraint error stays what it is.
func TestDatabaseAwayIsUnavailable(t *testing.T) {
	log := slog.New(slog.DiscardHandler)
	for _, err := range []error{
		fmt.Errorf("insert: %w", sqlStateError("57P01")), // admin shutdown
		fmt.Errorf("query: %w", sqlStateError("08006")),  // connection failure
		fmt.Errorf("dial: %w", &net.OpError{Op: "dial", Err: syscall.ECONNREFUSED}),
		fmt.Errorf("exec: %w", driver.ErrBadConn),
	} {
		if got := status.Code(FromError(context.Background(), log, "/m", err)); got != codes.Unavailable {
			t.Errorf("%v: %v, want UNAVAILABLE", err, got)
		}
	}
	if got := status.Code(FromError(context.Background(), log, "/m", sqlStateError("42601"))); got != codes.Internal {
		t.Errorf("syntax error: %v, want INTERNAL", got)
	}
}
