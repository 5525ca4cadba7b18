package pull

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/sas-platform/sas/services/availability/fhir"
)

// Reason says why a batch failed; it is the "reason" attribute of the failed
// batches of BatchesMetric.
type Reason string

// Reasons of a failed batch.
const (
	ReasonNetwork   Reason = "network"   // connection, TLS or transfer error
	ReasonTimeout   Reason = "timeout"   // no full answer within Config.Timeout
	ReasonStatus    Reason = "status"    // an HTTP status other than 200
	ReasonMalformed Reason = "malformed" // not a FHIR searchset Bundle, or too large
	ReasonPaging    Reason = "paging"    // a next link to another host, or too many pages
	ReasonSink      Reason = "sink"      // the sink refused the batch
)

// FetchError is why a vendor's batch failed, without the request URL, which
// names professionals.
type FetchError struct {
	Reason   Reason
	Status   int // HTTP status, for ReasonStatus
	Attempts int // tries of the failing request
	Err      error
}

// Error describes the failure.
func (e *FetchError) Error() string {
	msg := string(e.Reason)
	if e.Status != 0 {
		msg += " " + strconv.Itoa(e.Status)
	}
	if e.Attempts > 1 {
		msg += fmt.Sprintf(" after %d attempts", e.Attempts)
	}
	if e.Err != nil {
		msg += ": " + e.Err.Error()
	}
	return msg
}

// Unwrap returns the cause.
func (e *FetchError) Unwrap() error { return e.Err }

// attempt is the outcome of one try of a request.
type attempt struct {
	err        *FetchError // nil on success
	retryable  bool
	retryAfter time.Duration // the vendor's Retry-After, when any
}

// fetchRetry gets one searchset page, trying again as Config allows.
func (v *vendor) fetchRetry(ctx context.Context, u *url.URL) (fhir.Result, error) {
	for n := 1; ; n++ {
		res, a := v.fetch(ctx, u)
		if a.err == nil {
			return res, nil
		}
		a.err.Attempts = n
		if err := ctx.Err(); err != nil {
			return fhir.Result{}, err
		}
		if !a.retryable || n >= v.cfg.Attempts {
			return fhir.Result{}, a.err
		}
		if err := sleep(ctx, max(v.backoff(n), min(a.retryAfter, v.cfg.BackoffMax))); err != nil {
			return fhir.Result{}, err
		}
	}
}

// backoff returns the wait after the n-th failed try: exponential, capped,
// with the upper half random.
func (v *vendor) backoff(n int) time.Duration {
	d := v.cfg.BackoffMax
	if n-1 < 32 {
		d = min(v.cfg.BackoffBase<<(n-1), v.cfg.BackoffMax)
	}
	half := d / 2
	return half + rand.N(half+1)
}

// fetch tries a request once, within Config.Timeout.
func (v *vendor) fetch(ctx context.Context, u *url.URL) (fhir.Result, attempt) {
	ctx, cancel := context.WithTimeout(ctx, v.cfg.Timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return fhir.Result{}, attempt{err: &FetchError{Reason: ReasonNetwork, Err: errors.New("bad request URL")}}
	}
	req.Header.Set("Accept", "application/fhir+json")
	resp, err := v.client().Do(req)
	if err != nil {
		return fhir.Result{}, transferFailed(ctx, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		_, _ = io.CopyN(io.Discard, resp.Body, 4<<10) // let the connection be reused
		return fhir.Result{}, statusFailed(resp)
	}
	res, err := fhir.Decode(resp.Body, fhir.Options{})
	switch {
	case errors.Is(err, fhir.ErrMalformed) || errors.Is(err, fhir.ErrTooLarge):
		return fhir.Result{}, attempt{err: &FetchError{Reason: ReasonMalformed, Err: err}}
	case err != nil:
		return fhir.Result{}, transferFailed(ctx, err)
	case res.Type != fhir.TypeSearchset:
		return fhir.Result{}, attempt{err: &FetchError{Reason: ReasonMalformed,
			Err: fmt.Errorf("%w: Bundle.type %q, want searchset", fhir.ErrMalformed, res.Type)}}
	}
	return res, attempt{}
}

// transferFailed classifies an error of the exchange as a timeout or a
// network error, both tried again; the URL is taken out of it.
func transferFailed(ctx context.Context, err error) attempt {
	var ue *url.Error
	if errors.As(err, &ue) {
		err = ue.Err
	}
	reason := ReasonNetwork
	var ne net.Error
	if errors.Is(ctx.Err(), context.DeadlineExceeded) || (errors.As(err, &ne) && ne.Timeout()) {
		reason = ReasonTimeout
	}
	return attempt{err: &FetchError{Reason: reason, Err: err}, retryable: true}
}

// statusFailed classifies an HTTP status other than 200: 429 and 5xx are
// tried again.
func statusFailed(resp *http.Response) attempt {
	a := attempt{err: &FetchError{Reason: ReasonStatus, Status: resp.StatusCode}}
	a.retryable = resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode >= 500
	if s, err := strconv.Atoi(resp.Header.Get("Retry-After")); err == nil && s > 0 {
		a.retryAfter = time.Duration(s) * time.Second
	}
	return a
}

// sleep waits for d or the end of ctx.
func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
