package shutdown_test

import (
	"context"
	"errors"
	"slices"
	"testing"

	"github.com/sas-platform/sas/services/platform/shutdown"
)

func TestCloseRunsLastPushedFirst(t *testing.T) {
	var s shutdown.Stack
	var order []string
	for _, name := range []string{"postgres", "telemetry", "grpc"} {
		s.Push(name, func(context.Context) error {
			order = append(order, name)
			return nil
		})
	}
	if err := s.Close(context.Background()); err != nil {
		t.Fatalf("Close: %v", err)
	}
	if want := []string{"grpc", "telemetry", "postgres"}; !slices.Equal(order, want) {
		t.Fatalf("order = %v, want %v", order, want)
	}
}

func TestCloseJoinsNamedErrors(t *testing.T) {
	errPool, errRedis := errors.New("pool busy"), errors.New("redis gone")
	var s shutdown.Stack
	ran := 0
	s.Push("pool", func(context.Context) error { ran++; return errPool })
	s.Push("ok", func(context.Context) error { ran++; return nil })
	s.Push("redis", func(context.Context) error { ran++; return errRedis })

	err := s.Close(context.Background())
	if ran != 3 {
		t.Fatalf("ran %d closers, want 3", ran)
	}
	if !errors.Is(err, errPool) || !errors.Is(err, errRedis) {
		t.Fatalf("Close = %v, want both errors", err)
	}
	if want := "close redis: redis gone\nclose pool: pool busy"; err.Error() != want {
		t.Fatalf("Close = %q, want %q", err, want)
	}
}

func TestCloseOnce(t *testing.T) {
	var s shutdown.Stack
	calls := 0
	s.Push("once", func(context.Context) error { calls++; return errors.New("boom") })
	if err := s.Close(context.Background()); err == nil {
		t.Fatal("first Close = nil, want error")
	}
	if err := s.Close(context.Background()); err != nil || calls != 1 {
		t.Fatalf("second Close = %v with %d calls, want nil and 1", err, calls)
	}
}

func TestCloseRunsAllWhenContextDone(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	var s shutdown.Stack
	var got []error
	for range 2 {
		s.Push("c", func(ctx context.Context) error { got = append(got, ctx.Err()); return nil })
	}
	if err := s.Close(ctx); err != nil {
		t.Fatalf("Close: %v", err)
	}
	if len(got) != 2 || !errors.Is(got[0], context.Canceled) {
		t.Fatalf("closers saw %v, want two context.Canceled", got)
	}
}

func TestPushAfterClosePanics(t *testing.T) {
	var s shutdown.Stack
	_ = s.Close(context.Background())
	defer func() {
		if recover() == nil {
			t.Fatal("Push after Close did not panic")
		}
	}()
	s.Push("late", func(context.Context) error { return nil })
}
