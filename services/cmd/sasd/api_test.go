package main

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/proto"

	accountsv1 "github.com/sas-platform/sas/gen/sas/accounts/v1"
	commonv1 "github.com/sas-platform/sas/gen/sas/common/v1"
	directoryv1 "github.com/sas-platform/sas/gen/sas/directory/v1"
	searchv1 "github.com/sas-platform/sas/gen/sas/search/v1"
)

// apiCase is one call, made over gRPC and, when path is set, over REST:
// both must end with code (and status) and, on success, the same message.
type apiCase struct {
	name   string
	rpc    func(context.Context, *grpc.ClientConn) (proto.Message, error)
	method string
	path   string
	body   string
	code   codes.Code
	status int
	check  func(*testing.T, proto.Message)
	// message, when set, must appear in the error message.
	message string
}

func directoryClient(c *grpc.ClientConn) directoryv1.DirectoryServiceClient {
	return directoryv1.NewDirectoryServiceClient(c)
}

func territories(c *grpc.ClientConn) accountsv1.TerritoryServiceClient {
	return accountsv1.NewTerritoryServiceClient(c)
}

func apiCases() []apiCase {
	return []apiCase{
		{name: "get territory", method: "GET", path: "/v1/territories/SAS-44", code: codes.OK, status: 200,
			rpc: func(ctx context.Context, c *grpc.ClientConn) (proto.Message, error) {
				return territories(c).GetTerritory(ctx, &accountsv1.GetTerritoryRequest{Name: "territories/SAS-44"})
			},
			check: func(t *testing.T, m proto.Message) {
				ter := m.(*commonv1.Territory)
				if ter.DisplayName != "SAS Loire-Atlantique" || ter.Region != "regions/52" || ter.DefaultRadiusMeters != 10000 {
					t.Errorf("got %v", ter)
				}
			}},
		{name: "get Corsica territory", method: "GET", path: "/v1/territories/SAS-2A", code: codes.OK, status: 200,
			rpc: func(ctx context.Context, c *grpc.ClientConn) (proto.Message, error) {
				return territories(c).GetTerritory(ctx, &accountsv1.GetTerritoryRequest{Name: "territories/SAS-2A"})
			}},
		{name: "unknown territory", method: "GET", path: "/v1/territories/SAS-99", code: codes.NotFound, status: 404,
			message: "territories/SAS-99 not found",
			rpc: func(ctx context.Context, c *grpc.ClientConn) (proto.Message, error) {
				return territories(c).GetTerritory(ctx, &accountsv1.GetTerritoryRequest{Name: "territories/SAS-99"})
			}},
		{name: "malformed territory name", code: codes.InvalidArgument, message: "name: want territories/{id}",
			rpc: func(ctx context.Context, c *grpc.ClientConn) (proto.Message, error) {
				return territories(c).GetTerritory(ctx, &accountsv1.GetTerritoryRequest{Name: "regions/52"})
			}},
		{name: "territories of a region", method: "GET", path: `/v1/territories?filter=region%20%3D%20%22regions%2F52%22`, code: codes.OK, status: 200,
			rpc: func(ctx context.Context, c *grpc.ClientConn) (proto.Message, error) {
				return territories(c).ListTerritories(ctx, &accountsv1.ListTerritoriesRequest{Filter: `region = "regions/52"`})
			},
			check: func(t *testing.T, m proto.Message) {
				if n := len(m.(*accountsv1.ListTerritoriesResponse).Territories); n != 5 {
					t.Errorf("got %d territories in Pays de la Loire, want 5", n)
				}
			}},
		{name: "bad filter", method: "GET", path: `/v1/territories?filter=colour%3D1`, code: codes.InvalidArgument, status: 400,
			message: "unknown field",
			rpc: func(ctx context.Context, c *grpc.ClientConn) (proto.Message, error) {
				return territories(c).ListTerritories(ctx, &accountsv1.ListTerritoriesRequest{Filter: "colour=1"})
			}},
		{name: "forged page token", method: "GET", path: `/v1/territories?pageToken=abc`, code: codes.InvalidArgument, status: 400,
			message: "page_token",
			rpc: func(ctx context.Context, c *grpc.ClientConn) (proto.Message, error) {
				return territories(c).ListTerritories(ctx, &accountsv1.ListTerritoriesRequest{PageToken: "abc"})
			}},
		{name: "départements of a region", method: "GET", path: `/v1/departements?filter=region%3D%22regions%2F94%22`, code: codes.OK, status: 200,
			rpc: func(ctx context.Context, c *grpc.ClientConn) (proto.Message, error) {
				return territories(c).ListDepartements(ctx, &accountsv1.ListDepartementsRequest{Filter: `region="regions/94"`})
			},
			check: func(t *testing.T, m proto.Message) {
				deps := m.(*accountsv1.ListDepartementsResponse).Departements
				if len(deps) != 2 || deps[0].Name != "departements/2A" || deps[1].Name != "departements/2B" {
					t.Errorf("Corsica: got %v", deps)
				}
			}},
		{name: "get région", method: "GET", path: "/v1/regions/11", code: codes.OK, status: 200,
			rpc: func(ctx context.Context, c *grpc.ClientConn) (proto.Message, error) {
				return territories(c).GetRegion(ctx, &accountsv1.GetRegionRequest{Name: "regions/11"})
			},
			check: func(t *testing.T, m proto.Message) {
				if r := m.(*commonv1.Region); r.DisplayName != "Île-de-France" || r.CapitalInseeCode != "75056" {
					t.Errorf("got %v", r)
				}
			}},
		{name: "get département", method: "GET", path: "/v1/departements/971", code: codes.OK, status: 200,
			rpc: func(ctx context.Context, c *grpc.ClientConn) (proto.Message, error) {
				return territories(c).GetDepartement(ctx, &accountsv1.GetDepartementRequest{Name: "departements/971"})
			}},
		{name: "editing territories waits for sign-in", method: "POST", path: "/v1/territories?territoryId=SAS-X",
			body: `{"displayName":"x"}`, code: codes.Unimplemented, status: 501, message: "issue 4",
			rpc: func(ctx context.Context, c *grpc.ClientConn) (proto.Message, error) {
				return territories(c).CreateTerritory(ctx, &accountsv1.CreateTerritoryRequest{TerritoryId: "SAS-X", Territory: &commonv1.Territory{}})
			}},
		{name: "unknown JSON field", method: "POST", path: "/v1/territories?territoryId=SAS-X", body: `{"colour":"red"}`,
			status: 400},
		{name: "unknown professional", method: "GET", path: "/v1/professionals/810000000000", code: codes.NotFound, status: 404,
			message: "professionals/810000000000 not found",
			rpc: func(ctx context.Context, c *grpc.ClientConn) (proto.Message, error) {
				return directoryClient(c).GetProfessional(ctx, &directoryv1.GetProfessionalRequest{Name: "professionals/810000000000"})
			}},
		{name: "malformed national id", method: "GET", path: "/v1/professionals/12345", code: codes.InvalidArgument, status: 400,
			message: "11-digit RPPS",
			rpc: func(ctx context.Context, c *grpc.ClientConn) (proto.Message, error) {
				return directoryClient(c).GetProfessional(ctx, &directoryv1.GetProfessionalRequest{Name: "professionals/12345"})
			}},
		{name: "médecins of the demo directory", method: "GET", path: "/v1/professionals?pageSize=5&filter=profession%3D%22professions%2F10%22",
			code: codes.OK, status: 200,
			rpc: func(ctx context.Context, c *grpc.ClientConn) (proto.Message, error) {
				return directoryClient(c).ListProfessionals(ctx, &directoryv1.ListProfessionalsRequest{PageSize: 5, Filter: `profession="professions/10"`})
			},
			check: func(t *testing.T, m proto.Message) {
				resp := m.(*directoryv1.ListProfessionalsResponse)
				if len(resp.Professionals) != 5 || resp.NextPageToken == "" {
					t.Fatalf("want a full page and a next one: %v", resp)
				}
				for _, p := range resp.Professionals {
					if p.Profession != "professions/10" || !p.Active || len(p.Activities) == 0 {
						t.Errorf("got %v", p)
					}
				}
			}},
		{name: "professions table", method: "GET", path: "/v1/professions/10", code: codes.OK, status: 200,
			rpc: func(ctx context.Context, c *grpc.ClientConn) (proto.Message, error) {
				return directoryClient(c).GetProfession(ctx, &directoryv1.GetProfessionRequest{Name: "professions/10"})
			},
			check: func(t *testing.T, m proto.Message) {
				if p := m.(*directoryv1.Profession); p.DisplayName != "Médecin" {
					t.Errorf("got %v", p)
				}
			}},
		{name: "empty batch get", method: "GET", path: "/v1/professionals:batchGet", code: codes.InvalidArgument, status: 400,
			message: "want 1 to 1000 names",
			rpc: func(ctx context.Context, c *grpc.ClientConn) (proto.Message, error) {
				return directoryClient(c).BatchGetProfessionals(ctx, &directoryv1.BatchGetProfessionalsRequest{})
			}},
		{name: "orientations, bad filter", method: "GET", path: "/v1/orientations?filter=colour%3D%22red%22", code: codes.InvalidArgument, status: 400,
			message: "colour",
			rpc: func(ctx context.Context, c *grpc.ClientConn) (proto.Message, error) {
				return searchv1.NewOrientationServiceClient(c).ListOrientations(ctx, &searchv1.ListOrientationsRequest{Filter: `colour="red"`})
			}},
	}
}

func TestAPI(t *testing.T) {
	for config, args := range configurations(t) {
		t.Run(config, func(t *testing.T) {
			p := start(t, append(args(t), "-demo-professionals", "300")...)
			for _, tc := range apiCases() {
				t.Run(tc.name, func(t *testing.T) { runCase(t, p, tc) })
			}
			t.Run("health", func(t *testing.T) { checkHealth(t, p.conn, sasd().ServiceNames()) })
			t.Run("pages", func(t *testing.T) { walkPages(t, p) })
			t.Run("openapi", func(t *testing.T) { checkOpenAPI(t, p) })
		})
	}
}

func runCase(t *testing.T, p platform, tc apiCase) {
	var resp proto.Message
	if tc.rpc != nil {
		var err error
		resp, err = tc.rpc(context.Background(), p.conn)
		if status.Code(err) != tc.code {
			t.Fatalf("gRPC code %v (%v), want %v", status.Code(err), err, tc.code)
		}
		if tc.message != "" && !strings.Contains(status.Convert(err).Message(), tc.message) {
			t.Fatalf("gRPC message %q lacks %q", status.Convert(err).Message(), tc.message)
		}
		if err == nil && tc.check != nil {
			tc.check(t, resp)
		}
	}
	if tc.path == "" {
		return
	}
	st, body, requestID := restCall(t, tc.method, p.rest+tc.path, tc.body, p.token)
	if requestID == "" {
		t.Error("REST answer has no X-Request-Id")
	}
	if tc.rpc == nil {
		if st != tc.status {
			t.Fatalf("HTTP status %d, want %d: %s", st, tc.status, body)
		}
		return
	}
	checkREST(t, st, body, tc.status, resp, tc.code)
	if tc.message != "" && !strings.Contains(string(body), tc.message) {
		t.Fatalf("REST body %s lacks %q", body, tc.message)
	}
}

// walkPages lists every territory through REST, ten at a time.
func walkPages(t *testing.T, p platform) {
	seen, token := map[string]bool{}, ""
	for pages := 1; ; pages++ {
		st, body, _ := restCall(t, "GET", p.rest+"/v1/territories?pageSize=10&pageToken="+token, "", p.token)
		var page accountsv1.ListTerritoriesResponse
		if st != 200 || protojson.Unmarshal(body, &page) != nil {
			t.Fatalf("page %d: %d %s", pages, st, body)
		}
		for _, ter := range page.Territories {
			if seen[ter.Name] {
				t.Fatalf("%s listed twice", ter.Name)
			}
			seen[ter.Name] = true
		}
		if token = page.NextPageToken; token == "" {
			break
		}
		if st, _, _ := restCall(t, "GET", p.rest+"/v1/territories?filter=active%3Dtrue&pageToken="+token, "", p.token); st != 400 {
			t.Fatalf("a token reused with another filter: status %d, want 400", st)
		}
	}
	if len(seen) != 101 {
		t.Fatalf("walked %d territories, want 101", len(seen))
	}
}

// checkOpenAPI checks /openapi.json documents every service.
func checkOpenAPI(t *testing.T, p platform) {
	st, body, _ := restCall(t, "GET", p.rest+"/openapi.json", "", p.token)
	var doc struct {
		Swagger string
		Paths   map[string]any
	}
	if st != 200 || json.Unmarshal(body, &doc) != nil || doc.Swagger != "2.0" {
		t.Fatalf("/openapi.json: %d %.200s", st, body)
	}
	for _, path := range []string{"/v1/territories", "/v1/accounts/{account}", "/v1/professionals/{professional}",
		"/v1/imports:upload", "/v1/vendors/{vendor}/slots:batchUpsert", "/v1/slots:search", "/v1/orientations"} {
		if _, ok := doc.Paths[path]; !ok {
			t.Errorf("/openapi.json lacks %s", path)
		}
	}
}
