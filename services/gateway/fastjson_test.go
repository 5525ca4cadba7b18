package gateway

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"math"
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/grpc-ecosystem/grpc-gateway/v2/runtime"
	_ "github.com/sas-platform/sas/gen/sas/accounts/v1"
	_ "github.com/sas-platform/sas/gen/sas/availability/v1"
	commonv1 "github.com/sas-platform/sas/gen/sas/common/v1"
	_ "github.com/sas-platform/sas/gen/sas/directory/v1"
	searchv1 "github.com/sas-platform/sas/gen/sas/search/v1"
	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/encoding/prototext"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protodesc"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/reflect/protoregistry"
	"google.golang.org/protobuf/types/descriptorpb"
	"google.golang.org/protobuf/types/dynamicpb"
	"google.golang.org/protobuf/types/known/structpb"
	"google.golang.org/protobuf/types/known/timestamppb"
)

// testOptions are the gateway's marshal options (mux.go).
var testOptions = protojson.MarshalOptions{UseProtoNames: false, EmitUnpopulated: false}

func testMarshaler() *jsonMarshaler {
	return newJSONMarshaler(&runtime.JSONPb{MarshalOptions: testOptions})
}

// TestFastJSONMatchesProtojson is an oracle test: random instances of every
// sas.* message must encode like protojson (same error-ness, same JSON values
// and the same key order), and supported types must not fall back needlessly.
func TestFastJSONMatchesProtojson(t *testing.T) {
	var types []protoreflect.MessageType
	protoregistry.GlobalTypes.RangeMessages(func(mt protoreflect.MessageType) bool {
		if strings.HasPrefix(string(mt.Descriptor().FullName()), "sas.") {
			types = append(types, mt)
		}
		return true
	})
	if len(types) < 50 {
		t.Fatalf("only %d sas.* message types registered", len(types))
	}
	types = append(types, allKindsType(t)) // Kinds no sas.* message uses.
	n := 150
	if testing.Short() {
		n = 20
	}
	j := testMarshaler()
	f := filler{r: rand.New(rand.NewPCG(1, 2))}
	var fast, fellBack, errs int
	for _, mt := range types {
		supported := planFor(mt.Descriptor()).ok
		for i := range n {
			m := mt.New()
			f.message(m, 0)
			got, gotErr := j.Marshal(m.Interface())
			want, wantErr := testOptions.Marshal(m.Interface())
			name := mt.Descriptor().FullName()
			if (gotErr != nil) != (wantErr != nil) {
				t.Fatalf("%s #%d: error %v, protojson error %v\nfast:      %s\nprotojson: %s", name, i, gotErr, wantErr, got, want)
			}
			if wantErr != nil {
				if gotErr.Error() != wantErr.Error() {
					t.Fatalf("%s #%d: error %q, protojson error %q", name, i, gotErr, wantErr)
				}
				errs++
				continue
			}
			if !reflect.DeepEqual(decode(t, got), decode(t, want)) || !reflect.DeepEqual(tokens(t, got), tokens(t, want)) {
				t.Fatalf("%s #%d differs\nfast:      %s\nprotojson: %s", name, i, got, want)
			}
			if _, ok := marshalFast(m.Interface()); ok {
				fast++
			} else {
				fellBack++
				if supported {
					t.Fatalf("%s #%d: supported type fell back to protojson\n%s", name, i, want)
				}
			}
		}
	}
	t.Logf("%d types: %d fast, %d protojson, %d errors (both)", len(types), fast, fellBack, errs)
	if fast == 0 || errs == 0 {
		t.Errorf("the fast path (%d) and the error path (%d) must both be exercised", fast, errs)
	}
}

// allKindsProto declares every field shape the fast encoder supports, some
// of which (float, unsigned and fixed integers, enum aliases, NullValue,
// recursion, proto3 optional, custom JSON names) no sas.* message has.
const allKindsProto = `
name: "fastjson_test.proto" package: "fastjsontest" syntax: "proto3"
dependency: "google/protobuf/struct.proto" dependency: "google/protobuf/timestamp.proto"
enum_type { name: "Aliased" options { allow_alias: true }
  value { name: "ZERO" number: 0 } value { name: "ONE" number: 1 } value { name: "UNO" number: 1 } value { name: "NEG" number: -1 } }
message_type { name: "AllKinds"
  field { name: "f_bool" number: 1000 label: LABEL_OPTIONAL type: TYPE_BOOL }
  field { name: "f_int32" number: 2 label: LABEL_OPTIONAL type: TYPE_INT32 }
  field { name: "f_sint32" number: 3 label: LABEL_OPTIONAL type: TYPE_SINT32 }
  field { name: "f_sfixed32" number: 4 label: LABEL_OPTIONAL type: TYPE_SFIXED32 }
  field { name: "f_uint32" number: 5 label: LABEL_OPTIONAL type: TYPE_UINT32 }
  field { name: "f_fixed32" number: 6 label: LABEL_OPTIONAL type: TYPE_FIXED32 }
  field { name: "f_int64" number: 7 label: LABEL_OPTIONAL type: TYPE_INT64 }
  field { name: "f_sint64" number: 8 label: LABEL_OPTIONAL type: TYPE_SINT64 }
  field { name: "f_sfixed64" number: 9 label: LABEL_OPTIONAL type: TYPE_SFIXED64 }
  field { name: "f_uint64" number: 10 label: LABEL_OPTIONAL type: TYPE_UINT64 }
  field { name: "f_fixed64" number: 11 label: LABEL_OPTIONAL type: TYPE_FIXED64 }
  field { name: "f_float" number: 12 label: LABEL_OPTIONAL type: TYPE_FLOAT }
  field { name: "f_double" number: 13 label: LABEL_OPTIONAL type: TYPE_DOUBLE }
  field { name: "f_string" number: 14 label: LABEL_OPTIONAL type: TYPE_STRING json_name: "custom_Name" }
  field { name: "f_bytes" number: 15 label: LABEL_OPTIONAL type: TYPE_BYTES }
  field { name: "f_enum" number: 16 label: LABEL_OPTIONAL type: TYPE_ENUM type_name: ".fastjsontest.Aliased" }
  field { name: "f_null" number: 17 label: LABEL_OPTIONAL type: TYPE_ENUM type_name: ".google.protobuf.NullValue" }
  field { name: "f_self" number: 18 label: LABEL_OPTIONAL type: TYPE_MESSAGE type_name: ".fastjsontest.AllKinds" }
  field { name: "f_time" number: 19 label: LABEL_OPTIONAL type: TYPE_MESSAGE type_name: ".google.protobuf.Timestamp" }
  field { name: "r_float" number: 20 label: LABEL_REPEATED type: TYPE_FLOAT }
  field { name: "r_uint64" number: 21 label: LABEL_REPEATED type: TYPE_UINT64 }
  field { name: "r_bytes" number: 22 label: LABEL_REPEATED type: TYPE_BYTES }
  field { name: "r_enum" number: 23 label: LABEL_REPEATED type: TYPE_ENUM type_name: ".fastjsontest.Aliased" }
  field { name: "r_null" number: 24 label: LABEL_REPEATED type: TYPE_ENUM type_name: ".google.protobuf.NullValue" }
  field { name: "r_self" number: 25 label: LABEL_REPEATED type: TYPE_MESSAGE type_name: ".fastjsontest.AllKinds" }
  field { name: "o_string" number: 26 label: LABEL_OPTIONAL type: TYPE_STRING oneof_index: 0 }
  field { name: "o_self" number: 27 label: LABEL_OPTIONAL type: TYPE_MESSAGE type_name: ".fastjsontest.AllKinds" oneof_index: 0 }
  field { name: "p_int32" number: 28 label: LABEL_OPTIONAL type: TYPE_INT32 oneof_index: 1 proto3_optional: true }
  field { name: "f_uint32_after" number: 1 label: LABEL_OPTIONAL type: TYPE_UINT32 }
  oneof_decl { name: "choice" } oneof_decl { name: "_p_int32" } }`

// allKindsType builds AllKinds as a dynamic message type.
func allKindsType(t *testing.T) protoreflect.MessageType {
	t.Helper()
	var fdp descriptorpb.FileDescriptorProto
	if err := prototext.Unmarshal([]byte(allKindsProto), &fdp); err != nil {
		t.Fatal(err)
	}
	fd, err := protodesc.NewFile(&fdp, protoregistry.GlobalFiles)
	if err != nil {
		t.Fatal(err)
	}
	md := fd.Messages().ByName("AllKinds")
	if !planFor(md).ok {
		t.Fatal("AllKinds is planned as unsupported")
	}
	return dynamicpb.NewMessageType(md)
}

// decode decodes b into any with numbers as text, so a float formatted
// differently by the two encoders is a difference.
func decode(t *testing.T, b []byte) any {
	t.Helper()
	d := json.NewDecoder(bytes.NewReader(b))
	d.UseNumber()
	var v any
	if err := d.Decode(&v); err != nil {
		t.Fatalf("invalid JSON %s: %v", b, err)
	}
	return v
}

// tokens returns b's JSON tokens: it checks the key order, which decode does not.
func tokens(t *testing.T, b []byte) []any {
	t.Helper()
	d := json.NewDecoder(bytes.NewReader(b))
	d.UseNumber()
	var out []any
	for {
		tok, err := d.Token()
		if errors.Is(err, io.EOF) {
			return out
		}
		if err != nil {
			t.Fatalf("invalid JSON %s: %v", b, err)
		}
		out = append(out, tok)
	}
}

// filler sets random values on messages through protoreflect.
type filler struct{ r *rand.Rand }

const maxDepth = 4

func (f filler) message(m protoreflect.Message, depth int) {
	switch m.Descriptor().FullName() {
	case "google.protobuf.Timestamp":
		f.timestamp(m)
		return
	case "google.protobuf.Any":
		return // An unresolvable random type URL would only make both encoders fail.
	}
	fds := m.Descriptor().Fields()
	for i := range fds.Len() {
		fd := fds.Get(i)
		if f.r.IntN(3) == 0 {
			continue
		}
		isMsg := fd.Message() != nil && !fd.IsMap()
		if isMsg && depth >= maxDepth {
			continue
		}
		switch {
		case fd.IsList():
			l := m.Mutable(fd).List()
			for range f.r.IntN(4) {
				if isMsg {
					e := l.NewElement()
					f.message(e.Message(), depth+1)
					l.Append(e)
				} else {
					l.Append(f.scalar(fd))
				}
			}
		case fd.IsMap():
			mp := m.Mutable(fd).Map()
			for range f.r.IntN(4) {
				k := f.scalar(fd.MapKey()).MapKey()
				if fd.MapValue().Message() != nil {
					v := mp.NewValue()
					f.message(v.Message(), depth+1)
					mp.Set(k, v)
				} else {
					mp.Set(k, f.scalar(fd.MapValue()))
				}
			}
		case isMsg:
			f.message(m.Mutable(fd).Message(), depth+1)
		default:
			m.Set(fd, f.scalar(fd))
		}
	}
}

// timestamp sets a valid time with 0, 3, 6 or 9 significant fractional
// digits, and rarely an out-of-range one (protojson's error path).
func (f filler) timestamp(m protoreflect.Message) {
	secs := f.r.Int64N(253402300799+62135596800+1) - 62135596800
	nanos := []int64{0, 123_000_000, 123_456_000, 123_456_789, 1, 999_999_999, f.r.Int64N(1e9)}[f.r.IntN(7)]
	switch f.r.IntN(100) {
	case 0:
		secs = 253402300800
	case 1:
		nanos = -1
	case 2:
		secs = 0
	}
	fds := m.Descriptor().Fields()
	m.Set(fds.ByName("seconds"), protoreflect.ValueOfInt64(secs))
	m.Set(fds.ByName("nanos"), protoreflect.ValueOfInt32(int32(nanos)))
}

var (
	stringParts = []string{"", "a", "Nantes", "é", "日本", "😀", `"`, `\`, "\x00", "\x1f", "\x7f", "\n\t\r\b\f",
		"<>&", "\u2028\u2029", "\ufffd", "/", "'", " "}
	floats = []float64{0, math.Copysign(0, -1), 1, -1, 0.1, 123.456, -1e-7, 1e-6, 9.999999e-7, 1e20, 1e21, -1e21,
		1e-300, 5e-324, math.MaxFloat64, -math.MaxFloat64, math.SmallestNonzeroFloat32, math.MaxFloat32,
		math.NaN(), math.Inf(1), math.Inf(-1)}
)

func (f filler) scalar(fd protoreflect.FieldDescriptor) protoreflect.Value {
	r := f.r
	pick := func(n int) bool { return r.IntN(n) == 0 }
	switch fd.Kind() {
	case protoreflect.BoolKind:
		return protoreflect.ValueOfBool(pick(2))
	case protoreflect.Int32Kind, protoreflect.Sint32Kind, protoreflect.Sfixed32Kind:
		return protoreflect.ValueOfInt32([]int32{0, 1, -1, math.MaxInt32, math.MinInt32, r.Int32()}[r.IntN(6)])
	case protoreflect.Uint32Kind, protoreflect.Fixed32Kind:
		return protoreflect.ValueOfUint32([]uint32{0, 1, math.MaxUint32, r.Uint32()}[r.IntN(4)])
	case protoreflect.Int64Kind, protoreflect.Sint64Kind, protoreflect.Sfixed64Kind:
		return protoreflect.ValueOfInt64([]int64{0, 1, -1, math.MaxInt64, math.MinInt64, int64(r.Uint64())}[r.IntN(6)])
	case protoreflect.Uint64Kind, protoreflect.Fixed64Kind:
		return protoreflect.ValueOfUint64([]uint64{0, 1, math.MaxUint64, r.Uint64()}[r.IntN(4)])
	case protoreflect.FloatKind:
		return protoreflect.ValueOfFloat32(float32(f.float()))
	case protoreflect.DoubleKind:
		return protoreflect.ValueOfFloat64(f.float())
	case protoreflect.StringKind:
		var sb strings.Builder
		for range r.IntN(5) {
			sb.WriteString(stringParts[r.IntN(len(stringParts))])
		}
		if pick(300) {
			sb.WriteString("\xff") // Invalid UTF-8: protojson's error.
		}
		return protoreflect.ValueOfString(sb.String())
	case protoreflect.BytesKind:
		b := make([]byte, r.IntN(9))
		for i := range b {
			b[i] = byte(r.Uint32())
		}
		return protoreflect.ValueOfBytes(b)
	case protoreflect.EnumKind:
		vals := fd.Enum().Values()
		if pick(5) {
			return protoreflect.ValueOfEnum([]protoreflect.EnumNumber{42, -3, math.MaxInt32}[r.IntN(3)])
		}
		return protoreflect.ValueOfEnum(vals.Get(r.IntN(vals.Len())).Number())
	}
	panic("unexpected kind " + fd.Kind().String())
}

func (f filler) float() float64 {
	if f.r.IntN(2) == 0 {
		return floats[f.r.IntN(len(floats))]
	}
	return f.r.NormFloat64() * math.Pow(10, float64(f.r.IntN(60)-30))
}

// TestFastJSONPaths checks which path each kind of value takes.
func TestFastJSONPaths(t *testing.T) {
	j := testMarshaler()
	resp := searchResponse(3)
	if _, ok := marshalFast(resp); !ok {
		t.Fatal("SearchSlotsResponse is not on the fast path")
	}
	got, err := j.Marshal(resp)
	if err != nil {
		t.Fatal(err)
	}
	want, _ := testOptions.Marshal(resp)
	if !reflect.DeepEqual(tokens(t, got), tokens(t, want)) {
		t.Fatalf("fast:      %s\nprotojson: %s", got, want)
	}

	st, _ := structpb.NewStruct(map[string]any{"a": 1.5, "b": []any{"x", true, nil}})
	unsupported := []proto.Message{st}
	for _, name := range []protoreflect.FullName{"sas.accounts.v1.AuditEvent", "sas.accounts.v1.UpdateAccountRequest"} {
		mt, err := protoregistry.GlobalTypes.FindMessageByName(name)
		if err != nil {
			t.Fatal(err)
		}
		m := mt.New()
		filler{r: rand.New(rand.NewPCG(3, 4))}.message(m, 0)
		if planFor(m.Descriptor()).ok {
			t.Errorf("%s (map or FieldMask) is planned as supported", name)
		}
		unsupported = append(unsupported, m.Interface())
	}
	// Non-proto values, as in streaming chunks, and unsupported messages go
	// through JSONPb: byte for byte its output.
	nonProto := map[string]any{"result": resp}
	for _, v := range append([]any{nonProto, nil, "x"}, toAny(unsupported)...) {
		got, gotErr := j.Marshal(v)
		want, wantErr := j.JSONPb.Marshal(v)
		if !bytes.Equal(got, want) || (gotErr == nil) != (wantErr == nil) {
			t.Errorf("%T: got %s, %v; JSONPb gives %s, %v", v, got, gotErr, want, wantErr)
		}
	}
}

func toAny(ms []proto.Message) []any {
	var out []any
	for _, m := range ms {
		out = append(out, m)
	}
	return out
}

// TestFastJSONEdgeValues pins values whose formatting is easy to get wrong.
func TestFastJSONEdgeValues(t *testing.T) {
	for _, m := range []proto.Message{
		&commonv1.GeoPoint{Latitude: 1e-7, Longitude: 1e21},
		&commonv1.GeoPoint{Latitude: math.NaN(), Longitude: math.Inf(-1)},
		&commonv1.GeoPoint{Latitude: math.Copysign(0, -1)},
		&commonv1.Address{Lines: []string{"\x00\x1f\"\\\u2028<>&é"}},
		&searchv1.SearchSlotsRequest{Location: &searchv1.SearchSlotsRequest_InseeCode{}, ShuffleSeed: math.MinInt64},
		timestamppb.New(time.Unix(1, 5e6)),
		&commonv1.TimeRange{StartTime: &timestamppb.Timestamp{}, EndTime: &timestamppb.Timestamp{Seconds: -62135596800, Nanos: 1000}},
	} {
		got, ok := marshalFast(m)
		want, err := testOptions.Marshal(m)
		if !ok || err != nil || !reflect.DeepEqual(tokens(t, got), tokens(t, want)) {
			t.Errorf("fast %s (%v), protojson %s (%v)", got, ok, want, err)
		}
	}
}

// searchResponse is a realistic SearchSlots page of n results.
func searchResponse(n int) *searchv1.SearchSlotsResponse {
	day := time.Date(2026, 11, 24, 0, 0, 0, 0, time.UTC)
	resp := &searchv1.SearchSlotsResponse{
		Centre:        &commonv1.GeoPoint{Latitude: 47.218371, Longitude: -1.553621},
		Territory:     "territories/44-nantes",
		RadiusMeters:  10000,
		Window:        &commonv1.TimeRange{StartTime: timestamppb.New(day), EndTime: timestamppb.New(day.Add(72 * time.Hour))},
		TotalSize:     137,
		NextPageToken: "CAEQGRoMNDQxMDktMTAwMDA",
	}
	for i := range n {
		res := &searchv1.SearchResult{
			Professional: &searchv1.ProfessionalSummary{
				Name: "professionals/810100000000", Civility: "DR", FamilyName: "Lefèvre", GivenName: "Hélène",
				Profession: "10", ProfessionLabel: "Médecin", Specialty: "SM54", SpecialtyLabel: "Médecine générale",
			},
			Place: &searchv1.PlaceSummary{
				Site: "sites/4410900123", DisplayName: "Cabinet médical du Parc",
				Address: &commonv1.Address{Lines: []string{"12 rue de la Paix", "Bâtiment B"}, PostalCode: "44000",
					City: "Nantes", InseeCode: "44109", CountryCode: "FR"},
				Phone:         "0240000000",
				Location:      &commonv1.GeoPoint{Latitude: 47.2184 + float64(i)/1000, Longitude: -1.5536 - float64(i)/1000},
				StructureType: commonv1.StructureType_STRUCTURE_TYPE_MSP,
			},
			SasParticipant:    true,
			ParticipationMode: commonv1.ParticipationMode_PARTICIPATION_MODE_MSP,
			DistanceMeters:    int32(250 * i),
			ReorientationFee:  i%2 == 0,
		}
		for d := range 3 {
			date := day.AddDate(0, 0, d)
			da := &searchv1.DayAvailability{Date: date.Format(time.DateOnly)}
			for s := range 4 {
				start := date.Add(time.Duration(8+2*s) * time.Hour)
				da.Slots = append(da.Slots, &searchv1.SlotSummary{
					Name:              "slots/01JD3Y8K4M2N6P8Q0R2S4T6V8X",
					StartTime:         timestamppb.New(start),
					EndTime:           timestamppb.New(start.Add(20 * time.Minute)),
					ConsultationModes: []commonv1.ConsultationMode{commonv1.ConsultationMode_CONSULTATION_MODE_PRACTICE, commonv1.ConsultationMode_CONSULTATION_MODE_VIDEO},
					Visibility:        commonv1.Visibility_VISIBILITY_SNP,
					AppointmentType:   commonv1.AppointmentType_APPOINTMENT_TYPE_ROUTINE,
					Vendor:            "vendors/doctolib",
				})
			}
			res.Days = append(res.Days, da)
		}
		resp.Results = append(resp.Results, res)
	}
	return resp
}

func BenchmarkMarshalSearchResponse(b *testing.B) {
	resp := searchResponse(25)
	j := testMarshaler()
	b.Run("protojson", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := j.JSONPb.Marshal(resp); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("fast", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := j.Marshal(resp); err != nil {
				b.Fatal(err)
			}
		}
	})
}
