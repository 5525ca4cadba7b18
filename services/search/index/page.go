package index

import (
	"errors"
	"math/rand/v2"

	searchv1 "github.com/sas-platform/sas/gen/sas/search/v1"
	"github.com/sas-platform/sas/services/platform/pagetoken"
)

// position is what a page token carries, sealed with the fingerprint of the
// request: the offset of the next page and the shuffle seed in use.
type position struct {
	Offset int   `json:"o"`
	Seed   int64 `json:"s,omitempty"`
}

// maxOffset bounds how deep a search pages (the bounded heap keeps offset +
// page size entries).
const maxOffset = 10_000

// parsePage sets the page size, the offset and the shuffle seed of q.
func (x *Index) parsePage(q *query, req *searchv1.SearchSlotsRequest) error {
	switch n := req.GetPageSize(); {
	case n < 0:
		return invalid("page_size", "must not be negative")
	case n == 0:
		q.size = defaultPageSize
	default:
		q.size = min(int(n), maxPageSize)
	}
	q.fingerprint = fingerprint(req)
	var pos position
	if req.GetPageToken() != "" {
		err := x.sealer.Open(req.GetPageToken(), q.fingerprint, &pos)
		if errors.Is(err, pagetoken.ErrInvalid) || (err == nil && (pos.Offset <= 0 || pos.Offset > maxOffset)) {
			return invalid("page_token", "unknown, expired, or issued for other parameters: start again without it")
		}
		if err != nil {
			return err
		}
		if s := req.GetShuffleSeed(); s != 0 && s != pos.Seed {
			return invalid("shuffle_seed", "must stay the one of the first page")
		}
	}
	q.offset = pos.Offset
	if !q.place.shuffle {
		return nil
	}
	switch {
	case pos.Seed != 0:
		q.seed = pos.Seed
	case req.GetShuffleSeed() != 0:
		q.seed = req.GetShuffleSeed()
	default:
		for q.seed == 0 {
			q.seed = rand.Int64()
		}
	}
	return nil
}

// nextToken returns the token of the page after the one of q that ends at
// offset end, or "" when end reaches total.
func (x *Index) nextToken(q *query, end, total int) (string, error) {
	if end >= total || end > maxOffset {
		return "", nil
	}
	return x.sealer.Seal(position{Offset: end, Seed: q.seed}, q.fingerprint)
}
