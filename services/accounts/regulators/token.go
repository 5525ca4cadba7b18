package regulators

import (
	"strconv"
	"strings"

	"github.com/sas-platform/sas/services/platform/apierr"
)

// syncPrefix versions sync tokens, so that their content may change later
// (a new prefix) while old tokens are still told apart.
const syncPrefix = "r1."

// syncToken returns the sync token of change sequence number seq.
func syncToken(seq int64) string { return syncPrefix + strconv.FormatInt(seq, 10) }

// parseSyncToken returns the sequence number of token; full is true for an
// empty token (list every current regulator).
func parseSyncToken(token string) (seq int64, full bool, err error) {
	if token == "" {
		return 0, true, nil
	}
	digits, ok := strings.CutPrefix(token, syncPrefix)
	seq, perr := strconv.ParseInt(digits, 10, 64)
	if !ok || perr != nil || seq < 0 || digits != strconv.FormatInt(seq, 10) {
		return 0, false, badSyncToken("malformed: pass a next_sync_token as returned, or none to start again")
	}
	return seq, false, nil
}

func badSyncToken(desc string) error {
	return apierr.InvalidArgument(apierr.Violation{Field: "sync_token", Description: desc})
}

// position is where a page starts, sealed in page tokens: after change
// After, up to change Upto (fixed by the first page).
type position struct {
	After int64 `json:"a"`
	Upto  int64 `json:"u"`
}
