package grpcserver_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/encoding"
	testgrpc "google.golang.org/grpc/interop/grpc_testing"
	"google.golang.org/grpc/mem"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/proto"

	"github.com/sas-platform/sas/services/platform/grpcserver"
	"github.com/sas-platform/sas/services/platform/requestid"
)

// TestLocal checks that calls through Local run the server's interceptors
// and see what a call over the network sees.
func TestLocal(t *testing.T) {
	type seen struct {
		principal any
		id        string
		outgoing  int
		deadline  time.Time
	}
	var fail error
	saw := make(chan seen, 1)
	svc := &service{unary: func(ctx context.Context) error {
		out, _ := metadata.FromOutgoingContext(ctx)
		d, _ := ctx.Deadline()
		saw <- seen{ctx.Value(principalKey{}), requestid.FromContext(ctx), out.Len(), d}
		if fail != nil {
			err := fail
			fail = nil
			return err
		}
		return nil
	}}
	r := start(t, grpcserver.Options{Authenticate: tokenAuth}, svc)
	local := testgrpc.NewTestServiceClient(r.srv.Local(r.conn))
	// The gateway's context: a token and a forwarded header in outgoing
	// metadata, its request id in the context, a deadline.
	call := func(tok string) context.Context {
		ctx := metadata.AppendToOutgoingContext(callCtx(t), "authorization", tok, "x-forwarded-for", "192.0.2.1")
		return requestid.NewContext(ctx, "0f8fad5b-d9cb-469f-a165-70867728950e")
	}

	t.Run("authentication", func(t *testing.T) {
		for _, tok := range []string{"", "bad"} {
			if _, err := local.UnaryCall(call(tok), &testgrpc.SimpleRequest{}); status.Code(err) != codes.Unauthenticated {
				t.Errorf("token %q: %v, want Unauthenticated", tok, err)
			}
		}
		if len(saw) != 0 {
			t.Fatal("a refused call reached the handler")
		}
	})

	t.Run("answer, header and context", func(t *testing.T) {
		req := &testgrpc.SimpleRequest{Payload: &testgrpc.Payload{Body: []byte("asked")}}
		sent := proto.Clone(req)
		ctx := call("good")
		var header metadata.MD
		res, err := local.UnaryCall(ctx, req, grpc.Header(&header))
		if err != nil {
			t.Fatal(err)
		}
		got := <-saw
		if res.GetUsername() != sent.(*testgrpc.SimpleRequest).GetPayload().String() {
			t.Errorf("answer %q, want the request echoed", res.GetUsername())
		}
		if !proto.Equal(req, sent) {
			t.Errorf("the handler changed the caller's request: %v", req)
		}
		if got.principal != "alice" || got.id != "0f8fad5b-d9cb-469f-a165-70867728950e" {
			t.Errorf("handler saw principal %v, request id %q", got.principal, got.id)
		}
		if ids := header.Get(requestid.Header); len(ids) != 1 || ids[0] != got.id {
			t.Errorf("header request id %v, want %q", ids, got.id)
		}
		if got.outgoing != 0 {
			t.Errorf("the handler's outgoing metadata has %d keys: the caller's leaked", got.outgoing)
		}
		if want, _ := ctx.Deadline(); !got.deadline.Equal(want) {
			t.Errorf("handler deadline %v, want the caller's %v", got.deadline, want)
		}
	})

	t.Run("errors", func(t *testing.T) {
		for _, tt := range []struct {
			err  error
			want codes.Code
		}{
			{status.Error(codes.NotFound, "no such thing"), codes.NotFound},
			{errors.New("plain"), codes.Unknown},
			{context.DeadlineExceeded, codes.DeadlineExceeded},
		} {
			fail = tt.err
			var trailer metadata.MD
			_, err := local.UnaryCall(call("good"), &testgrpc.SimpleRequest{}, grpc.Trailer(&trailer))
			<-saw
			if status.Code(err) != tt.want {
				t.Errorf("%v: got %v, want %v", tt.err, err, tt.want)
			}
			if len(trailer.Get(requestid.Header)) != 1 {
				t.Errorf("%v: no request id in trailer %v", tt.err, trailer)
			}
		}
	})

	t.Run("codec", func(t *testing.T) {
		// A proto codec gets the answer encoded in a SliceBuffer; another
		// encodes it itself.
		for name, want := range map[string]int{"proto": 0, "other": 1} {
			c := &countingCodec{name: name}
			res, err := local.UnaryCall(call("good"), &testgrpc.SimpleRequest{Payload: &testgrpc.Payload{Body: []byte("x")}}, grpc.ForceCodecV2(c))
			if err != nil {
				t.Fatal(err)
			}
			<-saw
			if c.marshal != want || c.unmarshal != 1 {
				t.Errorf("%s codec: marshalled %d and unmarshalled %d answers, want %d and 1", name, c.marshal, c.unmarshal, want)
			}
			if res.GetUsername() == "" {
				t.Errorf("%s codec: answer %v lost", name, res)
			}
		}
	})

	t.Run("streams on the fallback", func(t *testing.T) {
		if _, err := streamCall(call("good"), local); err != nil {
			t.Fatal(err)
		}
	})
}

// countingCodec is the proto codec under a name, counting its calls.
type countingCodec struct {
	name               string
	marshal, unmarshal int
}

func (c *countingCodec) Marshal(v any) (mem.BufferSlice, error) {
	c.marshal++
	return encoding.GetCodecV2("proto").Marshal(v)
}

func (c *countingCodec) Unmarshal(data mem.BufferSlice, v any) error {
	c.unmarshal++
	return encoding.GetCodecV2("proto").Unmarshal(data, v)
}

func (c *countingCodec) Name() string { return c.name }
