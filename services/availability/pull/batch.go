package pull

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"time"

	"github.com/sas-platform/sas/services/availability/fhir"
)

// Batch is what a vendor answered for some of its professionals, all pages
// merged.
type Batch struct {
	Vendor string // "vendors/{id}"
	// Professionals are the national ids asked ("8"+RPPS or "0"+ADELI).
	Professionals []string
	// Start and End are the window asked: Result holds all the free slots
	// of Professionals starting within it, as the vendor knows them.
	Start, End time.Time
	// Result merges the pages: Entries adds them up, indexes count entries
	// across pages in order (an EntryError's Path stays the one of its
	// page), Next is empty. A slot of a professional not asked is refused
	// with an EntryError; slots of structures (no professional) are kept.
	// Times and statuses are as the vendor sent them: checking them is the
	// sink's business.
	Result fhir.Result
}

// Sink stores what a Puller fetched. Pulled is called concurrently, for
// several batches and vendors at once.
type Sink interface {
	// Pulled takes b as the complete set of the free slots of
	// b.Professionals within [b.Start, b.End]: it replaces what was there.
	Pulled(ctx context.Context, b Batch) error
}

// errPaging is a paging failure of the vendor's.
var errPaging = errors.New("paging")

// search fetches a batch, following the next links of the searchset.
func (v *vendor) search(ctx context.Context, base string, b *Batch) error {
	u, err := fhir.SearchQuery(base, b.Professionals, b.Start, b.End)
	if err != nil {
		return err
	}
	b.Result = fhir.Result{Type: fhir.TypeSearchset}
	for page := 1; ; page++ {
		res, err := v.fetchRetry(ctx, u)
		if err != nil {
			return err
		}
		refuseOthers(&res, b.Professionals)
		merge(&b.Result, res)
		if res.Next == "" {
			return nil
		}
		if page >= v.cfg.MaxPages {
			return &FetchError{Reason: ReasonPaging, Err: fmt.Errorf("%w: more than %d pages", errPaging, v.cfg.MaxPages)}
		}
		if u, err = nextPage(u, res.Next); err != nil {
			return &FetchError{Reason: ReasonPaging, Err: err}
		}
	}
}

// nextPage resolves a next link against the current page, on the same
// scheme and host.
func nextPage(cur *url.URL, next string) (*url.URL, error) {
	ref, err := url.Parse(next)
	if err != nil {
		return nil, fmt.Errorf("%w: next link is not a URL", errPaging)
	}
	u := cur.ResolveReference(ref)
	if u.Scheme != cur.Scheme || u.Host != cur.Host {
		return nil, fmt.Errorf("%w: next link leaves %s://%s", errPaging, cur.Scheme, cur.Host)
	}
	u.Fragment, u.RawFragment = "", ""
	return u, nil
}

// merge appends page to r, its indexes shifted past the entries of r.
func merge(r *fhir.Result, page fhir.Result) {
	off := r.Entries
	for _, e := range page.Slots {
		e.Index += off
		r.Slots = append(r.Slots, e)
	}
	for _, e := range page.Errors {
		e.Index += off
		r.Errors = append(r.Errors, e)
	}
	r.Entries += page.Entries
}

// refuseOthers turns the slots of professionals not asked into errors, in
// entry order with the others.
func refuseOthers(r *fhir.Result, asked []string) {
	ok := make(map[string]bool, len(asked))
	for _, id := range asked {
		ok["professionals/"+id] = true
	}
	kept := r.Slots[:0]
	for _, e := range r.Slots {
		p := e.Slot.GetProfessional()
		if p == "" || ok[p] {
			kept = append(kept, e)
			continue
		}
		r.Errors = append(r.Errors, &fhir.EntryError{Index: e.Index, FullURL: e.FullURL,
			Resource: "Slot/" + e.Slot.GetExternalId(), Path: fmt.Sprintf("Bundle.entry[%d].resource.schedule", e.Index),
			Code: fhir.IssueBusinessRule, Reason: "slot of a professional not asked for"})
	}
	r.Slots = kept
	slices.SortStableFunc(r.Errors, func(a, b *fhir.EntryError) int { return cmp.Compare(a.Index, b.Index) })
}
