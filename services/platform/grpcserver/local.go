package grpcserver

import (
	"context"
	"net"
	"sync"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/encoding"
	"google.golang.org/grpc/mem"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/peer"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/proto"

	"github.com/sas-platform/sas/services/platform/requestid"
)

// method is a unary method registered on a Server, for Local.
type method struct {
	impl    any
	handler grpc.MethodHandler
}

// RegisterService registers impl on the gRPC server and keeps its unary
// methods for Local. Call it before Serve.
func (s *Server) RegisterService(desc *grpc.ServiceDesc, impl any) {
	s.GRPC.RegisterService(desc, impl)
	for _, m := range desc.Methods {
		s.methods["/"+desc.ServiceName+"/"+m.MethodName] = method{impl: impl, handler: m.Handler}
	}
}

// Local returns a client connection that calls the unary methods
// registered with s.RegisterService in this process, through the same
// interceptors as a call over the network (recovery, request id, access
// log, deadline, authentication, then the Extra ones: audit, limits…), but
// without encoding messages or going through HTTP/2: the REST gateway of a
// process that hosts the services calls them through it. The otelgrpc
// stats handler does not run: the caller's span (the gateway's HTTP span)
// is the call's. Streams and other methods go to fallback.
func (s *Server) Local(fallback grpc.ClientConnInterface) grpc.ClientConnInterface {
	return &local{s: s, fallback: fallback}
}

type local struct {
	s        *Server
	fallback grpc.ClientConnInterface
}

// Invoke runs method's handler with the server's interceptors on a copy of
// args, as the server would have received it, and copies the answer into
// reply (through the codec a ForceCodecV2 option names, if any).
func (l *local) Invoke(ctx context.Context, fullMethod string, args, reply any, opts ...grpc.CallOption) error {
	m, ok := l.s.methods[fullMethod]
	in, isProto := args.(proto.Message)
	if !ok || !isProto {
		return l.fallback.Invoke(ctx, fullMethod, args, reply, opts...)
	}
	stream := &localStream{method: fullMethod}
	sctx := grpc.NewContextWithServerTransportStream(serverContext(ctx), stream)
	dec := func(v any) error {
		proto.Merge(v.(proto.Message), in)
		return nil
	}
	resp, err := m.handler(m.impl, sctx, dec, l.s.unary)
	stream.deliver(opts)
	if err != nil {
		if _, ok := status.FromError(err); !ok {
			err = status.FromContextError(err).Err() // as the server sends it: Unknown but for context errors
		}
		return err
	}
	return copyReply(resp, reply, opts)
}

// NewStream opens streams on the fallback connection.
func (l *local) NewStream(ctx context.Context, desc *grpc.StreamDesc, method string, opts ...grpc.CallOption) (grpc.ClientStream, error) {
	return l.fallback.NewStream(ctx, desc, method, opts...)
}

// serverContext is ctx as a server handler sees a call made with it: the
// caller's outgoing metadata (with its request id) incoming, no outgoing
// metadata, and a local peer. Its deadline and cancellation are the caller's.
func serverContext(ctx context.Context) context.Context {
	md, _ := metadata.FromOutgoingContext(ctx)
	md = md.Copy()
	if id := requestid.FromContext(ctx); id != "" && len(md.Get(requestid.Header)) == 0 {
		md.Set(requestid.Header, id)
	}
	ctx = metadata.NewIncomingContext(ctx, md)
	ctx = metadata.NewOutgoingContext(ctx, nil)
	return peer.NewContext(ctx, &peer.Peer{Addr: localAddr{}, LocalAddr: localAddr{}})
}

// copyReply copies resp into reply: through the codec of a ForceCodecV2
// option, else as a proto merge.
func copyReply(resp, reply any, opts []grpc.CallOption) error {
	for _, o := range opts {
		if c, ok := o.(grpc.ForceCodecV2CallOption); ok {
			return viaCodec(c.CodecV2, resp, reply)
		}
	}
	out, ok := reply.(proto.Message)
	if !ok {
		return viaCodec(encoding.GetCodecV2("proto"), resp, reply)
	}
	proto.Merge(out, resp.(proto.Message))
	return nil
}

// viaCodec encodes resp and decodes it into reply with c. A proto answer
// to a proto codec is handed over in a mem.SliceBuffer, which is never
// recycled, so that the codec may keep it without a copy.
func viaCodec(c encoding.CodecV2, resp, reply any) error {
	var data mem.BufferSlice
	var err error
	if m, ok := resp.(proto.Message); ok && c.Name() == "proto" {
		var b []byte
		b, err = proto.Marshal(m)
		data = mem.BufferSlice{mem.SliceBuffer(b)}
	} else {
		data, err = c.Marshal(resp)
	}
	if err != nil {
		return status.Errorf(codes.Internal, "encode answer: %v", err)
	}
	defer data.Free()
	if err := c.Unmarshal(data, reply); err != nil {
		return status.Errorf(codes.Internal, "decode answer: %v", err)
	}
	return nil
}

// localStream collects the header and trailer a handler sets, for the
// caller's grpc.Header and grpc.Trailer options.
type localStream struct {
	method          string
	mu              sync.Mutex
	header, trailer metadata.MD
	sent            bool
}

func (s *localStream) Method() string { return s.method }

func (s *localStream) SetHeader(md metadata.MD) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.sent {
		return status.Error(codes.Internal, "header already sent")
	}
	s.header = metadata.Join(s.header, md)
	return nil
}

func (s *localStream) SendHeader(md metadata.MD) error {
	if err := s.SetHeader(md); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.sent = true
	return nil
}

func (s *localStream) SetTrailer(md metadata.MD) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.trailer = metadata.Join(s.trailer, md)
	return nil
}

// deliver fills the caller's header and trailer options.
func (s *localStream) deliver(opts []grpc.CallOption) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, o := range opts {
		switch o := o.(type) {
		case grpc.HeaderCallOption:
			*o.HeaderAddr = s.header.Copy()
		case grpc.TrailerCallOption:
			*o.TrailerAddr = s.trailer.Copy()
		}
	}
}

// localAddr is the address of both ends of a local call.
type localAddr struct{}

func (localAddr) Network() string { return "local" }
func (localAddr) String() string  { return "local" }

var _ net.Addr = localAddr{}
