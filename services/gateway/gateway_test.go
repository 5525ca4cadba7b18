package gateway_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	accountsv1 "github.com/sas-platform/sas/gen/sas/accounts/v1"
	commonv1 "github.com/sas-platform/sas/gen/sas/common/v1"
	spb "google.golang.org/genproto/googleapis/rpc/status"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/testing/protocmp"
)

// apiCase is one REST call with the gRPC code and HTTP status it must give.
type apiCase struct {
	name   string
	method string
	path   string
	body   string
	header http.Header
	code   codes.Code // gRPC code, checked over gRPC when rpc is set and in REST error bodies
	status int        // HTTP status
	// rpc, when set, makes the same call over gRPC.
	rpc func(context.Context, accountsv1.TerritoryServiceClient) error
	// check, when set, inspects the REST response.
	check func(t *testing.T, e *env, res *http.Response, body []byte)
}

func TestREST(t *testing.T) {
	e := newEnv(t, io.Discard)
	client := accountsv1.NewTerritoryServiceClient(e.conn)
	for _, tc := range apiCases() {
		t.Run(tc.name, func(t *testing.T) {
			if tc.rpc != nil {
				if got := status.Code(tc.rpc(t.Context(), client)); got != tc.code {
					t.Errorf("gRPC code = %v, want %v", got, tc.code)
				}
			}
			res, body := e.do(t, tc.method, tc.path, tc.body, tc.header)
			if res.StatusCode != tc.status {
				t.Fatalf("HTTP status = %d, want %d; body %s", res.StatusCode, tc.status, body)
			}
			if tc.code != codes.OK {
				checkErrorCode(t, res, body, tc.code)
			}
			if tc.check != nil {
				tc.check(t, e, res, body)
			}
		})
	}
}

// apiCases lists the REST cases run by TestREST.
func apiCases() []apiCase {
	return []apiCase{
		{
			name: "get territory", method: http.MethodGet, path: "/v1/territories/SAS-44",
			code: codes.OK, status: http.StatusOK,
			rpc: func(ctx context.Context, c accountsv1.TerritoryServiceClient) error {
				_, err := c.GetTerritory(ctx, &accountsv1.GetTerritoryRequest{Name: "territories/SAS-44"})
				return err
			},
			check: checkTerritory,
		},
		{
			name: "get unknown territory", method: http.MethodGet, path: "/v1/territories/SAS-99",
			code: codes.NotFound, status: http.StatusNotFound,
			rpc: func(ctx context.Context, c accountsv1.TerritoryServiceClient) error {
				_, err := c.GetTerritory(ctx, &accountsv1.GetTerritoryRequest{Name: "territories/SAS-99"})
				return err
			},
		},
		{
			name: "list echoes page size", method: http.MethodGet, path: "/v1/territories?pageSize=7",
			code: codes.OK, status: http.StatusOK,
			rpc: func(ctx context.Context, c accountsv1.TerritoryServiceClient) error {
				_, err := c.ListTerritories(ctx, &accountsv1.ListTerritoriesRequest{PageSize: 7})
				return err
			},
			check: checkBody(`{"nextPageToken":"7"}`),
		},
		{
			name: "create with unknown field", method: http.MethodPost, path: "/v1/territories?territoryId=SAS-01",
			body: `{"displayName":"SAS Test","colour":"blue"}`,
			code: codes.InvalidArgument, status: http.StatusBadRequest,
			check: checkMessageHas(`unknown field "colour"`),
		},
		{
			name: "create with snake_case field", method: http.MethodPost, path: "/v1/territories?territoryId=SAS-01",
			body: `{"displayName":"SAS Test","default_radius_meters":5000}`,
			code: codes.OK, status: http.StatusOK,
			check: checkBody(`{"name":"territories/SAS-01","displayName":"SAS Test","defaultRadiusMeters":5000}`),
		},
		{
			name: "create without display name", method: http.MethodPost, path: "/v1/territories?territoryId=SAS-01",
			body: `{"region":"regions/52"}`,
			code: codes.InvalidArgument, status: http.StatusBadRequest,
			rpc: func(ctx context.Context, c accountsv1.TerritoryServiceClient) error {
				_, err := c.CreateTerritory(ctx, &accountsv1.CreateTerritoryRequest{Territory: &commonv1.Territory{}})
				return err
			},
			check: checkStatus(emptyDisplayName().Proto()),
		},
		{
			name: "unimplemented method", method: http.MethodGet, path: "/v1/regions",
			code: codes.Unimplemented, status: http.StatusNotImplemented,
			rpc: func(ctx context.Context, c accountsv1.TerritoryServiceClient) error {
				_, err := c.ListRegions(ctx, &accountsv1.ListRegionsRequest{})
				return err
			},
		},
		{
			name: "unknown route", method: http.MethodGet, path: "/v1/nowhere/at/all",
			code: codes.NotFound, status: http.StatusNotFound,
		},
		{
			name: "openapi", method: http.MethodGet, path: "/openapi.json",
			code: codes.OK, status: http.StatusOK,
			check: checkOpenAPI,
		},
		{
			name: "liveness", method: http.MethodGet, path: "/healthz",
			code: codes.OK, status: http.StatusOK,
			check: checkBody(`{"status":"ok"}`),
		},
		{
			name: "readiness", method: http.MethodGet, path: "/readyz",
			code: codes.OK, status: http.StatusOK,
			check: checkBody(`{"status":"ok"}`),
		},
	}
}

// checkErrorCode checks that body is a JSON error carrying code.
func checkErrorCode(t *testing.T, res *http.Response, body []byte, code codes.Code) {
	t.Helper()
	if ct := res.Header.Get("Content-Type"); ct != "application/json" {
		t.Errorf("Content-Type = %q, want application/json", ct)
	}
	if got := decodeStatus(t, body).GetCode(); got != int32(code) {
		t.Errorf("error body code = %d, want %d (%v)", got, code, code)
	}
}

// decodeStatus decodes a google.rpc.Status JSON error body.
func decodeStatus(t *testing.T, body []byte) *spb.Status {
	t.Helper()
	st := &spb.Status{}
	if err := protojson.Unmarshal(body, st); err != nil {
		t.Fatalf("decode error body %s: %v", body, err)
	}
	return st
}

// checkTerritory checks the camelCase JSON of territories/SAS-44.
func checkTerritory(t *testing.T, _ *env, _ *http.Response, body []byte) {
	t.Helper()
	if !strings.Contains(string(body), `"displayName":"SAS Loire-Atlantique"`) {
		t.Errorf("body %s has no camelCase displayName", body)
	}
	got := &commonv1.Territory{}
	if err := protojson.Unmarshal(body, got); err != nil {
		t.Fatalf("decode territory: %v", err)
	}
	if diff := cmp.Diff(sas44(), got, protocmp.Transform()); diff != "" {
		t.Errorf("territory (-want +got):\n%s", diff)
	}
}

// checkBody returns a check that the body is the JSON want.
func checkBody(want string) func(*testing.T, *env, *http.Response, []byte) {
	return func(t *testing.T, _ *env, _ *http.Response, body []byte) {
		t.Helper()
		var w, g any
		if err := json.Unmarshal([]byte(want), &w); err != nil {
			t.Fatalf("decode want: %v", err)
		}
		if err := json.Unmarshal(body, &g); err != nil {
			t.Fatalf("decode body %s: %v", body, err)
		}
		if diff := cmp.Diff(w, g); diff != "" {
			t.Errorf("body (-want +got):\n%s", diff)
		}
	}
}

// checkMessageHas returns a check that the error message contains part.
func checkMessageHas(part string) func(*testing.T, *env, *http.Response, []byte) {
	return func(t *testing.T, _ *env, _ *http.Response, body []byte) {
		t.Helper()
		if msg := decodeStatus(t, body).GetMessage(); !strings.Contains(msg, part) {
			t.Errorf("error message %q does not contain %q", msg, part)
		}
	}
}

// checkStatus returns a check that the error body is want, details included.
func checkStatus(want *spb.Status) func(*testing.T, *env, *http.Response, []byte) {
	return func(t *testing.T, _ *env, _ *http.Response, body []byte) {
		t.Helper()
		if diff := cmp.Diff(want, decodeStatus(t, body), protocmp.Transform()); diff != "" {
			t.Errorf("error body (-want +got):\n%s", diff)
		}
	}
}

// checkOpenAPI checks that the body is the OpenAPI v2 document with the territory routes.
func checkOpenAPI(t *testing.T, _ *env, res *http.Response, body []byte) {
	t.Helper()
	if ct := res.Header.Get("Content-Type"); ct != "application/json" {
		t.Errorf("Content-Type = %q, want application/json", ct)
	}
	var doc struct {
		Swagger string                     `json:"swagger"`
		Paths   map[string]json.RawMessage `json:"paths"`
	}
	if err := json.Unmarshal(body, &doc); err != nil {
		t.Fatalf("decode openapi: %v", err)
	}
	if doc.Swagger != "2.0" {
		t.Errorf("swagger = %q, want 2.0", doc.Swagger)
	}
	if _, ok := doc.Paths["/v1/territories"]; !ok {
		t.Error(`openapi has no path "/v1/territories"`)
	}
}
