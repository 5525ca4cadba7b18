package territory

import (
	"errors"
	"sort"

	"github.com/sas-platform/sas/services/platform/apierr"
	"github.com/sas-platform/sas/services/platform/pagetoken"
)

func pageSize(n int32) (int, error) {
	switch {
	case n < 0:
		return 0, apierr.InvalidArgument(apierr.Violation{Field: "page_size", Description: "must not be negative"})
	case n == 0:
		return defaultPageSize, nil
	case n > maxPageSize:
		return maxPageSize, nil
	}
	return int(n), nil
}

// openToken decodes a page token into the name to start after.
func (s *Server) openToken(token, query string, after *string) error {
	if token == "" {
		return nil
	}
	if err := s.pages.Open(token, query, after); err != nil {
		if errors.Is(err, pagetoken.ErrInvalid) {
			return apierr.InvalidArgument(apierr.Violation{Field: "page_token",
				Description: "unknown, expired, or issued for other parameters: start again without it"})
		}
		return err
	}
	return nil
}

// pageOf pages a small in-memory list, sorted by name, with the same tokens
// as the store-backed lists.
func pageOf[T any](s *Server, all []*T, name func(*T) string, size32 int32, token, query string) ([]*T, string, error) {
	size, err := pageSize(size32)
	if err != nil {
		return nil, "", err
	}
	var after string
	if err := s.openToken(token, query, &after); err != nil {
		return nil, "", err
	}
	all = append([]*T(nil), all...)
	sort.Slice(all, func(i, j int) bool { return name(all[i]) < name(all[j]) })
	start := sort.Search(len(all), func(i int) bool { return name(all[i]) > after })
	if start+size >= len(all) {
		return all[start:], "", nil
	}
	next, err := s.pages.Seal(name(all[start+size-1]), query)
	return all[start : start+size], next, err
}

func find[T any](all []*T, name func(*T) string, want string) (*T, error) {
	for _, v := range all {
		if name(v) == want {
			return v, nil
		}
	}
	return nil, apierr.NotFound(want)
}

func keep[T any](all []*T, ok func(*T) bool) []*T {
	var out []*T
	for _, v := range all {
		if ok(v) {
			out = append(out, v)
		}
	}
	return out
}
