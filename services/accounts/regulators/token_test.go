package regulators

import "testing"

// FuzzParseSyncToken checks that any accepted token is the one its
// sequence number gives, so that a vendor cannot pass two spellings of it.
func FuzzParseSyncToken(f *testing.F) {
	for _, s := range []string{"", "r1.0", "r1.42", "r1.-1", "r1.007", "r2.1", "r1.9223372036854775808"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, token string) {
		seq, full, err := parseSyncToken(token)
		switch {
		case err != nil:
		case full && token != "":
			t.Fatalf("%q read as a full sync", token)
		case !full && syncToken(seq) != token:
			t.Fatalf("%q accepted as %d", token, seq)
		}
	})
}
