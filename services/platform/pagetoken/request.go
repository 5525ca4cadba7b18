package pagetoken

import (
	"errors"

	"github.com/sas-platform/sas/services/platform/apierr"
)

// Size is the page size of a List request: def when n is 0, max when n is
// larger; a negative n is INVALID_ARGUMENT on page_size.
func Size(n int32, def, max int) (int, error) {
	switch {
	case n < 0:
		return 0, apierr.InvalidArgument(apierr.Violation{Field: "page_size", Description: "must not be negative"})
	case n == 0:
		return def, nil
	case int(n) > max:
		return max, nil
	}
	return int(n), nil
}

// OpenRequest opens the page_token of a List request into position; it
// reports false for an empty token, and a token that does not open is
// INVALID_ARGUMENT on page_token.
func (s *Sealer) OpenRequest(token, query string, position any) (bool, error) {
	if token == "" {
		return false, nil
	}
	if err := s.Open(token, query, position); err != nil {
		if errors.Is(err, ErrInvalid) {
			return false, apierr.InvalidArgument(apierr.Violation{Field: "page_token",
				Description: "unknown, expired, or issued for other parameters: start again without it"})
		}
		return false, err
	}
	return true, nil
}
