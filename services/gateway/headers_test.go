package gateway_test

import (
	"io"
	"net/http"
	"slices"
	"strings"
	"testing"
)

// headerCase is one request with headers and the gRPC metadata it must produce.
type headerCase struct {
	name   string
	header http.Header
	// keepID says the response and metadata request id must be the one sent;
	// otherwise a new one must have been generated.
	keepID bool
	// md lists metadata keys with their only value; an empty value means absent.
	md map[string]string
}

func TestHeaders(t *testing.T) {
	e := newEnv(t, io.Discard)
	for _, tc := range headerCases() {
		t.Run(tc.name, func(t *testing.T) {
			res, body := e.do(t, http.MethodGet, "/v1/territories/SAS-44", "", tc.header)
			if res.StatusCode != http.StatusOK {
				t.Fatalf("HTTP status = %d, want 200; body %s", res.StatusCode, body)
			}
			md := e.territories.lastMD()
			ids := res.Header.Values("X-Request-Id")
			if len(ids) != 1 || !slices.Equal(md.Get("x-request-id"), ids) {
				t.Fatalf("response ids %q, metadata ids %q: want one, the same", ids, md.Get("x-request-id"))
			}
			if sent := tc.header.Get("X-Request-Id"); (ids[0] == sent) != tc.keepID {
				t.Errorf("request id %q, sent %q, keep %v", ids[0], sent, tc.keepID)
			}
			for k, want := range tc.md {
				if got := md.Get(k); (want == "" && len(got) > 0) || (want != "" && !slices.Equal(got, []string{want})) {
					t.Errorf("metadata %s = %q, want %q", k, got, want)
				}
			}
		})
	}
}

// headerCases lists the cases run by TestHeaders.
func headerCases() []headerCase {
	return []headerCase{
		{name: "client request id kept", header: http.Header{"X-Request-Id": {"req-123"}}, keepID: true},
		{name: "request id generated", header: http.Header{}},
		{name: "too long request id replaced", header: http.Header{"X-Request-Id": {strings.Repeat("a", 129)}}},
		{name: "128 character request id kept", header: http.Header{"X-Request-Id": {strings.Repeat("a", 128)}}, keepID: true},
		{name: "request id with space replaced", header: http.Header{"X-Request-Id": {"a b"}}},
		{name: "request id with non-ASCII replaced", header: http.Header{"X-Request-Id": {"réq"}}},
		{
			name: "allow-listed headers forwarded",
			header: http.Header{
				"Authorization": {"Bearer t0ken"},
				"Traceparent":   {"00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"},
				"Tracestate":    {"vendor=1"},
				"Baggage":       {"k=v"},
			},
			md: map[string]string{
				"authorization": "Bearer t0ken",
				"traceparent":   "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
				"tracestate":    "vendor=1",
				"baggage":       "k=v",
			},
		},
		{
			name: "other headers dropped",
			header: http.Header{
				"X-Secret":               {"s3cret"},
				"Cookie":                 {"session=s3cret"},
				"Grpc-Metadata-X-Secret": {"s3cret"},
			},
			md: map[string]string{
				"x-secret": "", "grpcgateway-x-secret": "", "cookie": "", "grpcgateway-cookie": "",
				"grpc-metadata-x-secret": "", "grpcgateway-user-agent": "",
			},
		},
	}
}
