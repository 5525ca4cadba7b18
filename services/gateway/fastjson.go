package gateway

import (
	"encoding/base64"
	"errors"
	"math"
	"math/bits"
	"strconv"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/grpc-ecosystem/grpc-gateway/v2/runtime"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"
)

// jsonMarshaler is the gateway's response marshaler. It encodes the proto
// messages it can (plain proto3 messages of scalars, enums, lists, nested
// messages and Timestamps) itself, producing the same JSON as protojson with
// the embedded options but without protojson's per-message field sorting and
// allocations, and hands everything else to the embedded JSONPb: errors,
// non-proto values, streaming chunks, decoding and content type are unchanged.
type jsonMarshaler struct {
	*runtime.JSONPb
	encoded *jsonCache
}

// newJSONMarshaler wraps pb.
func newJSONMarshaler(pb *runtime.JSONPb) *jsonMarshaler {
	return &jsonMarshaler{JSONPb: pb, encoded: newJSONCache(encodedJSONBudget)}
}

// Marshal encodes v with the fast encoder when it can, else with JSONPb. A
// message left encoded (keepEncoded) gets the JSON of its bytes, cached.
func (j *jsonMarshaler) Marshal(v any) ([]byte, error) {
	if m, ok := v.(proto.Message); ok {
		if raw, ok := encodedOnly(m.ProtoReflect()); ok {
			return j.encoded.encodedJSON(m.ProtoReflect(), raw, j.marshal)
		}
	}
	return j.marshal(v)
}

// marshal encodes v with the fast encoder when it can, else with JSONPb.
func (j *jsonMarshaler) marshal(v any) ([]byte, error) {
	if m, ok := v.(proto.Message); ok && j.fastOptions() {
		if b, ok := marshalFast(m); ok {
			return b, nil
		}
	}
	return j.JSONPb.Marshal(v)
}

// fastOptions reports whether the options are the only ones the fast encoder
// implements: lowerCamelCase names, enum names, no unpopulated fields, one line.
func (j *jsonMarshaler) fastOptions() bool {
	o := j.MarshalOptions
	return !o.UseProtoNames && !o.UseEnumNumbers && !o.EmitUnpopulated &&
		!o.EmitDefaultValues && !o.Multiline && o.Indent == ""
}

// bufPool holds encoding buffers; Marshal returns an exact-size copy, so a
// response costs one allocation for its bytes whatever its size.
var bufPool = sync.Pool{New: func() any { b := make([]byte, 0, 4096); return &b }}

// marshalFast encodes m, or reports false when m must go through protojson:
// an unsupported type, or a value protojson rejects (invalid UTF-8, a
// Timestamp out of range), so the caller gets protojson's own error.
func marshalFast(m proto.Message) ([]byte, bool) {
	r := m.ProtoReflect()
	if !r.IsValid() {
		return nil, false // nil message: let protojson decide.
	}
	p := planFor(r.Descriptor())
	if !p.ok {
		return nil, false
	}
	bp := bufPool.Get().(*[]byte)
	b, err := appendMessage((*bp)[:0], r, p)
	var out []byte
	if err == nil {
		out = append([]byte(nil), b...)
	}
	if cap(b) <= 1<<20 { // Do not keep huge buffers alive.
		*bp = b
		bufPool.Put(bp)
	}
	return out, err == nil
}

// errFallback stops the fast encoder; Marshal then asks protojson.
var errFallback = errors.New("fastjson: fall back to protojson")

// msgPlan is how to encode one message type, computed once.
type msgPlan struct {
	ok        bool        // false when this type or one it contains needs protojson.
	timestamp bool        // google.protobuf.Timestamp: an RFC 3339 string.
	fields    []fieldPlan // in declaration order, as protojson writes them.
}

type fieldPlan struct {
	fd    protoreflect.FieldDescriptor
	key   string // `"jsonName":`
	kind  protoreflect.Kind
	list  bool
	null  bool                               // google.protobuf.NullValue: always null.
	enums map[protoreflect.EnumNumber]string // declared values, quoted names.
	msg   *msgPlan
}

// plans caches *msgPlan by message descriptor (not by name: a plan holds
// field descriptors, which must be the message's own).
var plans sync.Map

func planFor(md protoreflect.MessageDescriptor) *msgPlan {
	if p, ok := plans.Load(md); ok {
		return p.(*msgPlan)
	}
	// Only the root is cached: inside a recursive type, a plan built while
	// an ancestor was still unfinished may say ok although the ancestor is
	// not; the root is only ok when everything below it is.
	p, _ := plans.LoadOrStore(md, buildPlan(md, map[protoreflect.MessageDescriptor]*msgPlan{}))
	return p.(*msgPlan)
}

func buildPlan(md protoreflect.MessageDescriptor, seen map[protoreflect.MessageDescriptor]*msgPlan) *msgPlan {
	if p, ok := seen[md]; ok {
		return p
	}
	p := &msgPlan{ok: true}
	seen[md] = p
	if md.FullName().Parent() == "google.protobuf" {
		// Well-known types have their own JSON forms; only Timestamp is done here.
		p.ok = md.FullName() == "google.protobuf.Timestamp"
		p.timestamp = p.ok
	}
	if md.ExtensionRanges().Len() > 0 {
		p.ok = false // Extensions (and MessageSets) are protojson's business.
	}
	fds := md.Fields()
	for i := 0; i < fds.Len(); i++ {
		fd := fds.Get(i)
		f := fieldPlan{fd: fd, key: quote(fd.JSONName()) + ":", kind: fd.Kind(), list: fd.IsList()}
		switch {
		case fd.IsMap(), fd.Kind() == protoreflect.GroupKind, fd.Cardinality() == protoreflect.Required:
			p.ok = false
		case fd.Kind() == protoreflect.EnumKind:
			ed := fd.Enum()
			f.null = ed.FullName() == "google.protobuf.NullValue"
			f.enums = map[protoreflect.EnumNumber]string{}
			for j := ed.Values().Len() - 1; j >= 0; j-- { // First declared alias wins, as in ByNumber.
				v := ed.Values().Get(j)
				f.enums[v.Number()] = quote(string(v.Name()))
			}
		case fd.Kind() == protoreflect.MessageKind:
			f.msg = buildPlan(fd.Message(), seen)
			p.ok = p.ok && f.msg.ok
		}
		p.fields = append(p.fields, f)
	}
	return p
}

// quote returns s as a JSON string; descriptor names are valid UTF-8.
func quote(s string) string {
	b, _ := appendString(nil, s)
	return string(b)
}

// appendMessage appends m as a JSON object, fields in declaration order.
func appendMessage(b []byte, m protoreflect.Message, p *msgPlan) ([]byte, error) {
	if p.timestamp {
		return appendTimestamp(b, m, p)
	}
	b = append(b, '{')
	for i := range p.fields {
		f := &p.fields[i]
		if !m.Has(f.fd) { // Same as protojson without EmitUnpopulated.
			continue
		}
		if b[len(b)-1] != '{' {
			b = append(b, ',')
		}
		b = append(b, f.key...)
		v := m.Get(f.fd)
		var err error
		if !f.list {
			if b, err = appendValue(b, v, f); err != nil {
				return b, err
			}
			continue
		}
		l := v.List()
		b = append(b, '[')
		for j := 0; j < l.Len(); j++ {
			if j > 0 {
				b = append(b, ',')
			}
			if b, err = appendValue(b, l.Get(j), f); err != nil {
				return b, err
			}
		}
		b = append(b, ']')
	}
	return append(b, '}'), nil
}

// appendValue appends one singular value of field f, as protojson's marshalSingular.
func appendValue(b []byte, v protoreflect.Value, f *fieldPlan) ([]byte, error) {
	switch f.kind {
	case protoreflect.BoolKind:
		return strconv.AppendBool(b, v.Bool()), nil
	case protoreflect.StringKind:
		return appendString(b, v.String())
	case protoreflect.Int32Kind, protoreflect.Sint32Kind, protoreflect.Sfixed32Kind:
		return strconv.AppendInt(b, v.Int(), 10), nil
	case protoreflect.Uint32Kind, protoreflect.Fixed32Kind:
		return strconv.AppendUint(b, v.Uint(), 10), nil
	case protoreflect.Int64Kind, protoreflect.Sint64Kind, protoreflect.Sfixed64Kind:
		// 64-bit integers are JSON strings.
		b = strconv.AppendInt(append(b, '"'), v.Int(), 10)
		return append(b, '"'), nil
	case protoreflect.Uint64Kind, protoreflect.Fixed64Kind:
		b = strconv.AppendUint(append(b, '"'), v.Uint(), 10)
		return append(b, '"'), nil
	case protoreflect.FloatKind:
		return appendFloat(b, v.Float(), 32), nil
	case protoreflect.DoubleKind:
		return appendFloat(b, v.Float(), 64), nil
	case protoreflect.BytesKind:
		b = base64.StdEncoding.AppendEncode(append(b, '"'), v.Bytes())
		return append(b, '"'), nil
	case protoreflect.EnumKind:
		if f.null {
			return append(b, "null"...), nil
		}
		if name, ok := f.enums[v.Enum()]; ok {
			return append(b, name...), nil
		}
		return strconv.AppendInt(b, int64(v.Enum()), 10), nil // Undeclared: the number.
	case protoreflect.MessageKind:
		return appendMessage(b, v.Message(), f.msg)
	}
	return b, errFallback // Not reached: the plan rejects other kinds.
}

// appendTimestamp mirrors protojson's marshalTimestamp: UTC, 'Z', and 0, 3,
// 6 or 9 fractional digits. Out-of-range values fall back for protojson's error.
func appendTimestamp(b []byte, m protoreflect.Message, p *msgPlan) ([]byte, error) {
	secs := m.Get(p.fields[0].fd).Int()  // seconds = 1
	nanos := m.Get(p.fields[1].fd).Int() // nanos = 2
	if secs < -62135596800 || secs > 253402300799 || nanos < 0 || nanos > 999999999 {
		return b, errFallback
	}
	// Digits by hand: time.AppendFormat's layout parsing was a tenth of the CPU.
	t := time.Unix(secs, 0).UTC()
	year, month, day := t.Date()
	hour, minute, second := t.Clock()
	b = appendDigits(append(b, '"'), int64(year), 4)
	b = appendDigits(append(b, '-'), int64(month), 2)
	b = appendDigits(append(b, '-'), int64(day), 2)
	b = appendDigits(append(b, 'T'), int64(hour), 2)
	b = appendDigits(append(b, ':'), int64(minute), 2)
	b = appendDigits(append(b, ':'), int64(second), 2)
	if nanos != 0 {
		digits := 9
		for nanos%1000 == 0 {
			nanos /= 1000
			digits -= 3
		}
		b = appendDigits(append(b, '.'), nanos, digits)
	}
	return append(b, 'Z', '"'), nil
}

// appendDigits appends v >= 0, of at most n <= 9 digits, zero-padded to n.
func appendDigits(b []byte, v int64, n int) []byte {
	b = append(b, "000000000"[:n]...)
	for i := len(b) - 1; v > 0; i-- {
		b[i] = byte('0' + v%10)
		v /= 10
	}
	return b
}

// appendFloat mirrors protojson's (internal/encoding/json) appendFloat, itself
// encoding/json's rule: specials as strings, 'e' format below 1e-6 and from 1e21.
func appendFloat(b []byte, n float64, bitSize int) []byte {
	switch {
	case math.IsNaN(n):
		return append(b, `"NaN"`...)
	case math.IsInf(n, +1):
		return append(b, `"Infinity"`...)
	case math.IsInf(n, -1):
		return append(b, `"-Infinity"`...)
	}
	format := byte('f')
	if abs := math.Abs(n); abs != 0 {
		if bitSize == 64 && (abs < 1e-6 || abs >= 1e21) ||
			bitSize == 32 && (float32(abs) < 1e-6 || float32(abs) >= 1e21) {
			format = 'e'
		}
	}
	b = strconv.AppendFloat(b, n, format, -1, bitSize)
	if format == 'e' { // Clean up e-09 to e-9.
		n := len(b)
		if n >= 4 && b[n-4] == 'e' && b[n-3] == '-' && b[n-2] == '0' {
			b[n-2] = b[n-1]
			b = b[:n-1]
		}
	}
	return b
}

// appendString mirrors protojson's appendString: escapes only '"', '\\' and
// control characters; invalid UTF-8 falls back for protojson's error.
func appendString(b []byte, s string) ([]byte, error) {
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c >= utf8.RuneSelf {
			r, n := utf8.DecodeRuneInString(s[i:])
			if r == utf8.RuneError && n == 1 {
				return b, errFallback
			}
			i += n
			continue
		}
		if c >= ' ' && c != '"' && c != '\\' {
			i++
			continue
		}
		b = append(b, s[start:i]...)
		switch c {
		case '"', '\\':
			b = append(b, '\\', c)
		case '\b':
			b = append(b, '\\', 'b')
		case '\f':
			b = append(b, '\\', 'f')
		case '\n':
			b = append(b, '\\', 'n')
		case '\r':
			b = append(b, '\\', 'r')
		case '\t':
			b = append(b, '\\', 't')
		default:
			b = append(b, `\u`...)
			b = append(b, "0000"[1+(bits.Len32(uint32(c))-1)/4:]...)
			b = strconv.AppendUint(b, uint64(c), 16)
		}
		i++
		start = i
	}
	return append(append(b, s[start:]...), '"'), nil
}
