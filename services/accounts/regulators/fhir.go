package regulators

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"strconv"

	"google.golang.org/grpc"
	"google.golang.org/grpc/metadata"

	accountsv1 "github.com/sas-platform/sas/gen/sas/accounts/v1"
	"github.com/sas-platform/sas/services/platform/requestid"
)

// PractitionerPath is where FHIRHandler is served.
const PractitionerPath = "/fhir/r4/Practitioner"

// Search parameters of GET /fhir/r4/Practitioner: _count is FHIR's page
// size; page and sync carry the opaque tokens of SyncRegulators.
const (
	paramCount = "_count"
	paramPage  = "page"
	paramSync  = "sync"
)

// FHIRHandler serves SyncRegulators as a FHIR R4 searchset Bundle of
// Practitioner resources at GET /fhir/r4/Practitioner?_count=N&page=…&sync=….
// It calls the RPC through conn with the caller's Authorization header, so
// that authentication, policy and audit run as for any other call.
func FHIRHandler(conn *grpc.ClientConn) http.Handler {
	return &fhirHandler{client: accountsv1.NewRegulatorServiceClient(conn)}
}

type fhirHandler struct {
	client accountsv1.RegulatorServiceClient
}

func (h *fhirHandler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet {
		w.Header().Set("Allow", http.MethodGet)
		writeOutcome(w, http.StatusMethodNotAllowed, "not-supported", r.Method+" is not supported: use GET")
		return
	}
	req, err := searchRequest(r.URL.Query())
	if err != nil {
		writeOutcome(w, http.StatusBadRequest, "invalid", err.Error())
		return
	}
	resp, err := h.client.SyncRegulators(outgoing(r), req)
	if err != nil {
		writeError(w, err)
		return
	}
	writeFHIR(w, http.StatusOK, newBundle(r.URL.Query(), resp))
}

// searchRequest maps the search parameters to the RPC's request.
func searchRequest(q url.Values) (*accountsv1.SyncRegulatorsRequest, error) {
	req := &accountsv1.SyncRegulatorsRequest{PageToken: q.Get(paramPage), SyncToken: q.Get(paramSync)}
	if c := q.Get(paramCount); c != "" {
		n, err := strconv.ParseInt(c, 10, 32)
		if err != nil || n < 1 {
			return nil, errBadCount
		}
		req.PageSize = int32(n)
	}
	return req, nil
}

// errBadCount is a _count that is not a positive integer.
var errBadCount = errors.New(paramCount + ": want a positive integer")

// outgoing is r's context sending the caller's token and the request id
// (set by the gateway) as gRPC metadata.
func outgoing(r *http.Request) context.Context {
	var kv []string
	if v := r.Header.Get("Authorization"); v != "" {
		kv = append(kv, "authorization", v)
	}
	if v := r.Header.Get(requestid.Header); v != "" {
		kv = append(kv, requestid.Header, v)
	}
	return metadata.AppendToOutgoingContext(r.Context(), kv...)
}

// writeFHIR writes v as FHIR JSON with status. Personal data: not cached.
func writeFHIR(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/fhir+json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(v) // the status is sent: nothing more to tell the client
}
