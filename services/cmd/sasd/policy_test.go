package main

import (
	"context"
	"database/sql"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/reflect/protoregistry"
	"google.golang.org/protobuf/types/dynamicpb"

	accountsv1 "github.com/sas-platform/sas/gen/sas/accounts/v1"
	"github.com/sas-platform/sas/services/platform/auth"
	"github.com/sas-platform/sas/services/platform/policy"
)

// who may call what, written apart from the policy so that the test checks
// it: N national admin, T territorial admins (ARS, GRADeS), R territorial
// referent, G regulators (ARM, regulating doctor, OSNP, orientation nurse),
// P professional, S structure manager, D delegate, V vendor, X platform
// service, U every user role, * anyone (no token).
var matrix = map[string]string{
	"sas.accounts.v1.AuthService/IssueToken": "*", "sas.accounts.v1.AuthService/GetJwks": "*",
	"sas.accounts.v1.AuthService/RotateSigningKey": "N", "sas.accounts.v1.AuthService/IssueHandoffToken": "X",
	"sas.accounts.v1.TerritoryService/ListRegions": "UVX", "sas.accounts.v1.TerritoryService/GetRegion": "UVX",
	"sas.accounts.v1.TerritoryService/ListDepartements": "UVX", "sas.accounts.v1.TerritoryService/GetDepartement": "UVX",
	"sas.accounts.v1.TerritoryService/ListTerritories": "UVX", "sas.accounts.v1.TerritoryService/GetTerritory": "UVX",
	"sas.accounts.v1.TerritoryService/CreateTerritory": "N", "sas.accounts.v1.TerritoryService/UpdateTerritory": "N",
	"sas.accounts.v1.AccountService/CreateAccount": "NT", "sas.accounts.v1.AccountService/GetAccount": "U",
	"sas.accounts.v1.AccountService/ListAccounts": "NTR", "sas.accounts.v1.AccountService/UpdateAccount": "NT",
	"sas.accounts.v1.AccountService/SuspendAccount": "NT", "sas.accounts.v1.AccountService/ReactivateAccount": "NT",
	"sas.accounts.v1.AccountService/DeleteAccount": "NT", "sas.accounts.v1.AccountService/ExportAccountData": "U",
	"sas.accounts.v1.AccountService/EraseAccount":        "NT",
	"sas.accounts.v1.DelegationService/CreateDelegation": "NTPS", "sas.accounts.v1.DelegationService/GetDelegation": "NTPSD",
	"sas.accounts.v1.DelegationService/ListDelegations": "NTPSD", "sas.accounts.v1.DelegationService/DeleteDelegation": "NTPS",
	"sas.accounts.v1.VendorService/CreateVendor": "N", "sas.accounts.v1.VendorService/GetVendor": "NV",
	"sas.accounts.v1.VendorService/ListVendors": "NX", "sas.accounts.v1.VendorService/UpdateVendor": "N",
	"sas.accounts.v1.VendorService/DeleteVendor": "N", "sas.accounts.v1.VendorService/RotateVendorSecret": "N",
	"sas.accounts.v1.AuditService/WriteAuditEvents": "X", "sas.accounts.v1.AuditService/ListAuditEvents": "NTR",
	"sas.accounts.v1.RegulatorService/SyncRegulators":   "V",
	"sas.directory.v1.DirectoryService/GetProfessional": "UX", "sas.directory.v1.DirectoryService/BatchGetProfessionals": "UX",
	"sas.directory.v1.DirectoryService/ListProfessionals": "UX", "sas.directory.v1.DirectoryService/SetOptOut": "NTPSD",
	"sas.directory.v1.DirectoryService/GetSite": "UVX", "sas.directory.v1.DirectoryService/ListSites": "UVX",
	"sas.directory.v1.DirectoryService/ListProfessions": "UVX", "sas.directory.v1.DirectoryService/GetProfession": "UVX",
	"sas.directory.v1.DirectoryService/ListSpecialties": "UVX", "sas.directory.v1.DirectoryService/GetSpecialty": "UVX",
	"sas.directory.v1.DirectoryService/WatchChanges": "NX",
	"sas.directory.v1.ImportService/UploadImport":    "N", "sas.directory.v1.ImportService/GetImport": "N",
	"sas.directory.v1.ImportService/ListImports": "N", "sas.directory.v1.ImportService/CancelImport": "N",
	"sas.directory.v1.ImportService/ListImportRejections":      "N",
	"sas.availability.v1.AvailabilityService/BatchUpsertSlots": "V", "sas.availability.v1.AvailabilityService/BatchDeleteSlots": "V",
	"sas.availability.v1.AvailabilityService/ReplaceSlots": "V", "sas.availability.v1.AvailabilityService/CreateSlot": "PSD",
	"sas.availability.v1.AvailabilityService/GetSlot": "PSDGNTVX", "sas.availability.v1.AvailabilityService/ListSlots": "PSDNTV",
	"sas.availability.v1.AvailabilityService/UpdateSlot": "PSD", "sas.availability.v1.AvailabilityService/DeleteSlot": "PSD",
	"sas.availability.v1.AvailabilityService/CreateRange": "PSD", "sas.availability.v1.AvailabilityService/GetRange": "PSDGNTX",
	"sas.availability.v1.AvailabilityService/ListRanges": "PSDNT", "sas.availability.v1.AvailabilityService/UpdateRange": "PSD",
	"sas.availability.v1.AvailabilityService/DeleteRange": "PSD", "sas.availability.v1.AvailabilityService/ReserveRangePlace": "X",
	"sas.availability.v1.AvailabilityService/WatchChanges":      "NX",
	"sas.availability.v1.ParticipationService/GetParticipation": "PSDGNTX", "sas.availability.v1.ParticipationService/UpdateParticipation": "PSD",
	"sas.availability.v1.AppointmentService/CreateAppointment": "V", "sas.availability.v1.AppointmentService/GetAppointment": "NTRV",
	"sas.availability.v1.AppointmentService/ListAppointments": "NTRV", "sas.availability.v1.AppointmentService/UpdateAppointment": "V",
	"sas.search.v1.SearchService/SearchSlots": "GNT", "sas.search.v1.OrientationService/HoldSlot": "G",
	"sas.search.v1.OrientationService/CreateOrientation": "G", "sas.search.v1.OrientationService/GetOrientation": "GNTRX",
	"sas.search.v1.OrientationService/ListOrientations": "GNTR",
}

// caller is one column of the matrix.
type caller struct {
	letter string
	p      *auth.Principal // nil: no token
}

func callers() []caller {
	user := func(letter string, role accountsv1.Role) caller {
		return caller{letter, &auth.Principal{Subject: "accounts/m-" + role.String(), Kind: auth.KindUser, Role: role, Territory: "territories/SAS-44"}}
	}
	return []caller{
		{"*", nil},
		user("N", accountsv1.Role_ROLE_NATIONAL_ADMIN),
		user("T", accountsv1.Role_ROLE_ARS_ACCOUNT_MANAGER), user("T", accountsv1.Role_ROLE_GRADES_ACCOUNT_MANAGER),
		user("R", accountsv1.Role_ROLE_TERRITORIAL_REFERENT),
		user("G", accountsv1.Role_ROLE_ARM), user("G", accountsv1.Role_ROLE_REGULATING_DOCTOR),
		user("G", accountsv1.Role_ROLE_OSNP), user("G", accountsv1.Role_ROLE_ORIENTATION_NURSE),
		user("P", accountsv1.Role_ROLE_PROFESSIONAL), user("S", accountsv1.Role_ROLE_STRUCTURE_MANAGER),
		user("D", accountsv1.Role_ROLE_DELEGATE),
		{"V", &auth.Principal{Subject: "vendors/matrix", Kind: auth.KindVendor}},
		{"X", &auth.Principal{Subject: "services/matrix", Kind: auth.KindService}},
	}
}

func allowed(spec string, c caller) bool {
	if strings.Contains(spec, "*") {
		return true
	}
	if c.p == nil {
		return false
	}
	if c.p.Kind == auth.KindUser && strings.Contains(spec, "U") {
		return true
	}
	return strings.Contains(spec, c.letter)
}

// platformKey reads the current signing key of sasd's accounts store, so
// the test signs tokens the platform itself would sign.
func platformKey(t *testing.T, dir string) auth.SigningKey {
	t.Helper()
	db, err := sql.Open("sqlite", filepath.Join(dir, "accounts.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var jwk string
	var created int64
	if err := db.QueryRow(`SELECT private_jwk, created_us FROM signing_keys ORDER BY created_us DESC LIMIT 1`).Scan(&jwk, &created); err != nil {
		t.Fatal(err)
	}
	k, err := auth.ParseSigningKey([]byte(jwk), time.UnixMicro(created))
	if err != nil {
		t.Fatal(err)
	}
	return k
}

// TestPolicyMatrix calls every RPC of every service over real gRPC as each
// role, a vendor, a service and no one, and checks who gets through the
// policy: the denied get PERMISSION_DENIED (ROLE_NOT_ALLOWED), or
// UNAUTHENTICATED without a token; the allowed get whatever the handler
// answers an empty request, never those.
func TestPolicyMatrix(t *testing.T) {
	p := start(t)
	key := platformKey(t, p.dir)
	tokens := map[*auth.Principal]string{}
	cs := callers()
	for _, c := range cs {
		if c.p != nil {
			tok, err := auth.Sign(key, auth.NewClaims(c.p, auth.DefaultIssuer, auth.DefaultAudience, time.Now(), time.Hour))
			if err != nil {
				t.Fatal(err)
			}
			tokens[c.p] = tok
		}
	}
	if len(matrix) != len(policy.Methods()) {
		t.Errorf("matrix has %d RPCs, policy %d", len(matrix), len(policy.Methods()))
	}
	for _, method := range policy.Methods() {
		spec, ok := matrix[strings.TrimPrefix(method, "/")]
		if !ok {
			t.Errorf("%s: not in the test matrix", method)
			continue
		}
		md := methodDesc(t, method)
		for _, c := range cs {
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			if c.p != nil {
				ctx = auth.WithBearer(ctx, tokens[c.p])
			}
			err := invoke(ctx, p.anon, method, md)
			cancel()
			st := status.Convert(err)
			denied := st.Code() == codes.Unauthenticated || (st.Code() == codes.PermissionDenied && reason(st) == "ROLE_NOT_ALLOWED")
			if want := allowed(spec, c); want == denied {
				t.Errorf("%s as %s: %v (allowed: %v)", method, c.p.Label(), err, want)
			}
		}
	}
}

// TestEveryRPCHasARule lists the services sasd serves and checks that the
// policy knows each of their methods (an unknown one is refused to all).
func TestEveryRPCHasARule(t *testing.T) {
	n := 0
	protoregistry.GlobalFiles.RangeFiles(func(fd protoreflect.FileDescriptor) bool {
		if !strings.HasPrefix(string(fd.Package()), "sas.") {
			return true
		}
		for i := 0; i < fd.Services().Len(); i++ {
			sd := fd.Services().Get(i)
			for j := 0; j < sd.Methods().Len(); j++ {
				m := "/" + string(sd.FullName()) + "/" + string(sd.Methods().Get(j).Name())
				if _, ok := policy.RuleFor(m); !ok {
					t.Errorf("%s has no rule", m)
				}
				n++
			}
		}
		return true
	})
	if n != len(policy.Methods()) {
		t.Errorf("%d RPCs in the protos, %d in the policy", n, len(policy.Methods()))
	}
}

func reason(st *status.Status) string {
	for _, d := range st.Details() {
		if info, ok := d.(*errdetails.ErrorInfo); ok {
			return info.Reason
		}
	}
	return ""
}

func methodDesc(t *testing.T, method string) protoreflect.MethodDescriptor {
	parts := strings.Split(strings.TrimPrefix(method, "/"), "/")
	d, err := protoregistry.GlobalFiles.FindDescriptorByName(protoreflect.FullName(parts[0]))
	if err != nil {
		t.Fatalf("%s: %v", method, err)
	}
	return d.(protoreflect.ServiceDescriptor).Methods().ByName(protoreflect.Name(parts[1]))
}

// invoke calls method with an empty request; for streams, it waits for
// the first answer.
func invoke(ctx context.Context, conn *grpc.ClientConn, method string, md protoreflect.MethodDescriptor) error {
	req := dynamicpb.NewMessage(md.Input())
	resp := dynamicpb.NewMessage(md.Output())
	if !md.IsStreamingClient() && !md.IsStreamingServer() {
		return conn.Invoke(ctx, method, req, resp)
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	stream, err := conn.NewStream(ctx, &grpc.StreamDesc{ClientStreams: md.IsStreamingClient(), ServerStreams: md.IsStreamingServer()}, method)
	if err != nil {
		return err
	}
	if err := stream.SendMsg(req); err != nil {
		return stream.RecvMsg(resp)
	}
	if err := stream.CloseSend(); err != nil {
		return err
	}
	return stream.RecvMsg(resp)
}
