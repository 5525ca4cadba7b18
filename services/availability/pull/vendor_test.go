package pull_test

import (
	"bytes"
	"encoding/json"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"

	availabilityv1 "github.com/sas-platform/sas/gen/sas/availability/v1"
	"github.com/sas-platform/sas/services/availability/fhir"
	"github.com/sas-platform/sas/services/availability/pull"
)

// request is what the fake vendor received.
type request struct {
	IDs    []string // national ids asked
	Query  url.Values
	Client string // common name of the client certificate
}

// answer writes the fake vendor's response to a search of ids; n counts the
// requests received so far, this one included.
type answer func(w http.ResponseWriter, r *http.Request, ids []string, n int)

// vendor is a fake vendor FHIR server on loopback, requiring a client
// certificate of the test authority.
type vendor struct {
	srv *httptest.Server
	mu  sync.Mutex
	got []request
	ans answer
}

// startVendor starts a fake vendor answering searches with ans.
func startVendor(t testing.TB, ans answer) *vendor {
	t.Helper()
	v := &vendor{ans: ans}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /fhir/Slot", v.search)
	v.srv = httptest.NewUnstartedServer(mux)
	v.srv.TLS = serverTLS(t)
	v.srv.Config.ErrorLog = log.New(io.Discard, "", 0) // handshakes refused on purpose
	v.srv.StartTLS()
	t.Cleanup(v.srv.Close)
	return v
}

// search records the request and answers it.
func (v *vendor) search(w http.ResponseWriter, r *http.Request) {
	req := request{Query: r.URL.Query()}
	if len(r.TLS.PeerCertificates) > 0 {
		req.Client = r.TLS.PeerCertificates[0].Subject.CommonName
	}
	for tok := range strings.SplitSeq(req.Query.Get("schedule.actor:Practitioner.identifier"), ",") {
		req.IDs = append(req.IDs, strings.TrimPrefix(tok, fhir.SystemProfessional+"|"))
	}
	v.mu.Lock()
	v.got = append(v.got, req)
	n, ans := len(v.got), v.ans
	v.mu.Unlock()
	ans(w, r, req.IDs, n)
}

// set changes how the vendor answers.
func (v *vendor) set(ans answer) {
	v.mu.Lock()
	defer v.mu.Unlock()
	v.ans = ans
}

// requests returns what the vendor received.
func (v *vendor) requests() []request {
	v.mu.Lock()
	defer v.mu.Unlock()
	return append([]request(nil), v.got...)
}

// target is the vendor as a pull target, dialled with the client certificate.
func (v *vendor) target(t testing.TB, name string) pull.Target {
	return pull.Target{Vendor: name, BaseURL: v.srv.URL + "/fhir", TLS: clientTLS(t)}
}

// searchset writes a searchset Bundle of the slots.
func searchset(w http.ResponseWriter, r *http.Request, slots []*availabilityv1.Slot, next string) {
	var buf bytes.Buffer
	if err := fhir.EncodeSearchset(&buf, slots, fhir.EncodeOptions{Base: "https://" + r.Host + "/fhir"}); err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	body := buf.Bytes()
	if next != "" {
		// EncodeSearchset writes no links: add the next one after "type".
		u, _ := json.Marshal(next)
		link := `"link":[{"relation":"next","url":` + string(u) + `}],"type"`
		body = bytes.Replace(body, []byte(`"type"`), []byte(link), 1)
	}
	w.Header().Set("Content-Type", "application/fhir+json")
	_, _ = w.Write(body)
}

// status answers every search with an HTTP status.
func status(code int) answer {
	return func(w http.ResponseWriter, _ *http.Request, _ []string, _ int) {
		http.Error(w, http.StatusText(code), code)
	}
}

// garbage answers 200 with a body that is not FHIR.
func garbage(w http.ResponseWriter, _ *http.Request, _ []string, _ int) {
	w.Header().Set("Content-Type", "application/fhir+json")
	_, _ = io.WriteString(w, "<html>maintenance</html>")
}

// failFirst answers code to the first n requests, then as ans.
func failFirst(n, code int, ans answer) answer {
	return func(w http.ResponseWriter, r *http.Request, ids []string, i int) {
		if i <= n {
			status(code)(w, r, ids, i)
			return
		}
		ans(w, r, ids, i)
	}
}

// hang answers nothing until the test ends.
func hang(t testing.TB) answer {
	release := make(chan struct{})
	t.Cleanup(func() { close(release) }) // before the server closes: cleanups run last first
	return func(_ http.ResponseWriter, r *http.Request, _ []string, _ int) {
		select {
		case <-release:
		case <-r.Context().Done():
		}
	}
}
