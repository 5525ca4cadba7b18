package gateway

import (
	"container/list"
	"context"
	"hash/maphash"
	"sync"

	"github.com/grpc-ecosystem/grpc-gateway/v2/runtime"
	"google.golang.org/grpc"
	"google.golang.org/grpc/encoding"
	"google.golang.org/grpc/mem"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"

	searchv1 "github.com/sas-platform/sas/gen/sas/search/v1"
)

// registerSearch registers SearchService's REST routes with a client that
// keeps search answers encoded (see keepEncoded).
func registerSearch(ctx context.Context, mux *runtime.ServeMux, conn grpc.ClientConnInterface) error {
	return searchv1.RegisterSearchServiceHandlerClient(ctx, mux, searchClient{searchv1.NewSearchServiceClient(conn), conn})
}

// searchClient receives search answers still encoded: the same search
// asked again within its minute is a cache hit upstream and comes back as
// the same bytes, whose JSON the marshaler then takes from its own cache
// (encodedJSON) instead of decoding and encoding them again.
type searchClient struct {
	searchv1.SearchServiceClient
	cc grpc.ClientConnInterface
}

func (c searchClient) SearchSlots(ctx context.Context, in *searchv1.SearchSlotsRequest, opts ...grpc.CallOption) (*searchv1.SearchSlotsResponse, error) {
	out := new(searchv1.SearchSlotsResponse)
	opts = append(opts, grpc.ForceCodecV2(keepEncoded{}))
	if err := c.cc.Invoke(ctx, searchv1.SearchService_SearchSlots_FullMethodName, in, out, opts...); err != nil {
		return nil, err
	}
	return out, nil
}

// keepEncoded is the proto codec, but it leaves an answer encoded: its
// bytes become the unknown fields of the message, to be decoded by whoever
// needs its fields.
type keepEncoded struct{}

func (keepEncoded) Marshal(v any) (mem.BufferSlice, error) {
	return encoding.GetCodecV2("proto").Marshal(v)
}
func (keepEncoded) Name() string { return "proto" }

func (keepEncoded) Unmarshal(data mem.BufferSlice, v any) error {
	m, ok := v.(proto.Message)
	if !ok {
		return encoding.GetCodecV2("proto").Unmarshal(data, v)
	}
	// A SliceBuffer is never recycled (grpcserver's Local hands answers
	// over in one): it is kept as it is; pooled buffers are copied.
	if len(data) == 1 {
		if b, ok := data[0].(mem.SliceBuffer); ok {
			m.ProtoReflect().SetUnknown(b.ReadOnlyData())
			return nil
		}
	}
	m.ProtoReflect().SetUnknown(data.Materialize())
	return nil
}

// encodedOnly returns the bytes of a message that keepEncoded left
// encoded: unknown fields and no known one.
func encodedOnly(r protoreflect.Message) ([]byte, bool) {
	raw := r.GetUnknown()
	if len(raw) == 0 {
		return nil, false
	}
	known := false
	r.Range(func(protoreflect.FieldDescriptor, protoreflect.Value) bool { known = true; return false })
	return raw, !known
}

// jsonCache maps encoded answers to their JSON, least recently used first
// out past a byte budget. Keys are 128-bit hashes of the bytes with
// process-random seeds: two different answers sharing one has a chance of
// 2^-128.
type jsonCache struct {
	seeds  [2]maphash.Seed
	budget int

	mu    sync.Mutex
	size  int
	order *list.List // of *jsonEntry, most recent first
	byKey map[[2]uint64]*list.Element
}

type jsonEntry struct {
	key  [2]uint64
	json []byte
}

// encodedJSONBudget bounds the bytes of JSON kept.
const encodedJSONBudget = 32 << 20

func newJSONCache(budget int) *jsonCache {
	return &jsonCache{seeds: [2]maphash.Seed{maphash.MakeSeed(), maphash.MakeSeed()}, budget: budget,
		order: list.New(), byKey: map[[2]uint64]*list.Element{}}
}

func (c *jsonCache) key(raw []byte) [2]uint64 {
	return [2]uint64{maphash.Bytes(c.seeds[0], raw), maphash.Bytes(c.seeds[1], raw)}
}

func (c *jsonCache) get(k [2]uint64) ([]byte, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.byKey[k]
	if !ok {
		return nil, false
	}
	c.order.MoveToFront(e)
	return e.Value.(*jsonEntry).json, true
}

func (c *jsonCache) put(k [2]uint64, json []byte) {
	if len(json) > c.budget/8 {
		return // one answer must not push out the others
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, ok := c.byKey[k]; ok {
		return
	}
	c.byKey[k] = c.order.PushFront(&jsonEntry{k, json})
	c.size += len(json)
	for c.size > c.budget {
		old := c.order.Remove(c.order.Back()).(*jsonEntry)
		delete(c.byKey, old.key)
		c.size -= len(old.json)
	}
}

// encodedJSON returns the JSON of a message keepEncoded left encoded: from
// the cache, else decoded and encoded by marshal, then kept.
func (c *jsonCache) encodedJSON(r protoreflect.Message, raw []byte, marshal func(any) ([]byte, error)) ([]byte, error) {
	k := c.key(raw)
	if json, ok := c.get(k); ok {
		return json, nil
	}
	m := r.Type().New().Interface()
	if err := proto.Unmarshal(raw, m); err != nil {
		return nil, err
	}
	json, err := marshal(m)
	if err == nil {
		c.put(k, json)
	}
	return json, err
}
