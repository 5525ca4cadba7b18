package territory

import (
	"sort"

	"github.com/sas-platform/sas/services/platform/apierr"
	"github.com/sas-platform/sas/services/platform/pagetoken"
)

// pageOf pages a small in-memory list, sorted by name, with the same tokens
// as the store-backed lists.
func pageOf[T any](s *Server, all []*T, name func(*T) string, size32 int32, token, query string) ([]*T, string, error) {
	size, err := pagetoken.Size(size32, defaultPageSize, maxPageSize)
	if err != nil {
		return nil, "", err
	}
	var after string
	if _, err := s.pages.OpenRequest(token, query, &after); err != nil {
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
