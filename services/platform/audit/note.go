package audit

import (
	"context"
	"maps"
	"sync"

	"google.golang.org/genproto/googleapis/rpc/code"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/types/known/timestamppb"
)

func nowProto() *timestamppb.Timestamp { return timestamppb.Now() }

// Note is what a handler adds to the audit event of its call.
type Note struct {
	mu        sync.Mutex
	target    string
	territory string
	details   map[string]string
	skip      bool
}

type noteKey struct{}

func withNote(ctx context.Context) (context.Context, *Note) {
	n := &Note{}
	return context.WithValue(ctx, noteKey{}, n), n
}

// Target names the resource the call acted on and its territory, when the
// request's own name or parent field does not say it.
func Target(ctx context.Context, target, territory string) {
	if n, ok := ctx.Value(noteKey{}).(*Note); ok {
		n.mu.Lock()
		n.target, n.territory = target, territory
		n.mu.Unlock()
	}
}

// Territory sets the territory of the call's target.
func Territory(ctx context.Context, territory string) {
	if n, ok := ctx.Value(noteKey{}).(*Note); ok {
		n.mu.Lock()
		n.territory = territory
		n.mu.Unlock()
	}
}

// Detail adds a non-personal parameter (a search radius, a filter).
func Detail(ctx context.Context, key, value string) {
	if n, ok := ctx.Value(noteKey{}).(*Note); ok {
		n.mu.Lock()
		if n.details == nil {
			n.details = map[string]string{}
		}
		n.details[key] = value
		n.mu.Unlock()
	}
}

// event builds the event of a finished call.
func (n *Note) event(method string, req any, err error) *Event {
	n.mu.Lock()
	defer n.mu.Unlock()
	e := &Event{Action: method, Target: n.target, Territory: n.territory,
		Outcome: code.Code(Outcome(err)), Details: maps.Clone(n.details)}
	if e.Target == "" {
		e.Target = requestTarget(req)
	}
	return e
}

// requestTarget is the request's "name" or "parent" field, or the "name"
// of its first message field (UpdateX requests carry the resource).
func requestTarget(req any) string {
	m, ok := req.(proto.Message)
	if !ok {
		return ""
	}
	r := m.ProtoReflect()
	fields := r.Descriptor().Fields()
	for _, f := range []protoreflect.Name{"name", "parent"} {
		if fd := fields.ByName(f); fd != nil && fd.Kind() == protoreflect.StringKind && !fd.IsList() {
			if v := r.Get(fd).String(); v != "" {
				return v
			}
		}
	}
	if fd := fields.Get(0); fd != nil && fd.Kind() == protoreflect.MessageKind && !fd.IsList() && !fd.IsMap() && r.Has(fd) {
		sub := r.Get(fd).Message()
		if nf := sub.Descriptor().Fields().ByName("name"); nf != nil && nf.Kind() == protoreflect.StringKind && !nf.IsList() {
			return sub.Get(nf).String()
		}
	}
	return ""
}
