package server

import (
	"github.com/sas-platform/sas/services/platform/apierr"
	"github.com/sas-platform/sas/services/platform/filter"
	"github.com/sas-platform/sas/services/platform/pagetoken"
)

// page is a List request's keyset position and size.
type page struct {
	after string
	size  int
}

// openPage checks page_size and page_token; query summarises the other
// parameters, which a token must have been issued for.
func openPage(pages *pagetoken.Sealer, size int32, token, query string) (page, error) {
	n, err := pagetoken.Size(size, defaultPageSize, maxPageSize)
	p := page{size: n}
	if err != nil {
		return p, err
	}
	_, err = pages.OpenRequest(token, query, &p.after)
	return p, err
}

// cut trims items, read with a limit of one more than the page size, to the
// page, and returns the token of the next page ("" on the last one).
func cut[T any](pages *pagetoken.Sealer, items []T, p page, key func(T) string, query string) ([]T, string, error) {
	if len(items) <= p.size {
		return items, "", nil
	}
	items = items[:p.size]
	token, err := pages.Seal(key(items[len(items)-1]), query)
	return items, token, err
}

func parseFilter(f string, fields ...string) (map[string]string, error) {
	terms, err := filter.Parse(f, fields...)
	if err != nil {
		return nil, apierr.InvalidArgument(apierr.Violation{Field: "filter", Description: err.Error()})
	}
	out := map[string]string{}
	for _, t := range terms {
		out[t.Field] = t.Value
	}
	return out, nil
}

// boolTerm reads an optional true/false term.
func boolTerm(terms map[string]string, field string) (*bool, error) {
	v, ok := terms[field]
	if !ok {
		return nil, nil
	}
	if v != "true" && v != "false" {
		return nil, apierr.InvalidArgument(apierr.Violation{Field: "filter", Description: field + " takes true or false"})
	}
	b := v == "true"
	return &b, nil
}
