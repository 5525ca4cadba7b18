package regulators

import (
	"net/http"
	"strings"

	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
)

// operationOutcome is a FHIR R4 OperationOutcome.
type operationOutcome struct {
	ResourceType string  `json:"resourceType"`
	Issue        []issue `json:"issue"`
}

type issue struct {
	Severity    string `json:"severity"`
	Code        string `json:"code"`
	Diagnostics string `json:"diagnostics,omitempty"`
}

// httpStatus maps gRPC codes to HTTP statuses as the REST gateway does,
// and to FHIR issue types (http://hl7.org/fhir/issue-type).
var httpStatus = map[codes.Code]struct {
	status int
	issue  string
}{
	codes.InvalidArgument:    {http.StatusBadRequest, "invalid"},
	codes.FailedPrecondition: {http.StatusBadRequest, "processing"},
	codes.OutOfRange:         {http.StatusBadRequest, "invalid"},
	codes.Unauthenticated:    {http.StatusUnauthorized, "login"},
	codes.PermissionDenied:   {http.StatusForbidden, "forbidden"},
	codes.NotFound:           {http.StatusNotFound, "not-found"},
	codes.AlreadyExists:      {http.StatusConflict, "duplicate"},
	codes.Aborted:            {http.StatusConflict, "conflict"},
	codes.ResourceExhausted:  {http.StatusTooManyRequests, "throttled"},
	codes.Canceled:           {499, "transient"}, // client closed the request
	codes.Unimplemented:      {http.StatusNotImplemented, "not-supported"},
	codes.Unavailable:        {http.StatusServiceUnavailable, "transient"},
	codes.DeadlineExceeded:   {http.StatusGatewayTimeout, "timeout"},
}

// params names the search parameters of the RPC's fields, for diagnostics.
var params = strings.NewReplacer("sync_token", paramSync, "page_token", paramPage, "page_size", paramCount)

// writeError answers a failed SyncRegulators call with an OperationOutcome.
func writeError(w http.ResponseWriter, err error) {
	st := status.Convert(err)
	m, ok := httpStatus[st.Code()]
	if !ok {
		m.status, m.issue = http.StatusInternalServerError, "exception"
	}
	if st.Code() == codes.Unauthenticated {
		w.Header().Set("WWW-Authenticate", "Bearer")
	}
	writeOutcome(w, m.status, m.issue, diagnostics(st))
}

// diagnostics is the status message, or its field violations named by
// search parameter.
func diagnostics(st *status.Status) string {
	var vs []string
	for _, d := range st.Details() {
		if br, ok := d.(*errdetails.BadRequest); ok {
			for _, v := range br.GetFieldViolations() {
				vs = append(vs, params.Replace(v.GetField())+": "+v.GetDescription())
			}
		}
	}
	if len(vs) == 0 {
		return st.Message()
	}
	return strings.Join(vs, "; ")
}

func writeOutcome(w http.ResponseWriter, status int, code, diagnostics string) {
	writeFHIR(w, status, operationOutcome{ResourceType: "OperationOutcome",
		Issue: []issue{{Severity: "error", Code: code, Diagnostics: diagnostics}}})
}
