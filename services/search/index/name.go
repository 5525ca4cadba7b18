package index

import (
	"bytes"
	"strings"
)

// itemName is the resource name of a slot or range, held without a heap
// object of its own: the index keeps one per slot (1.5 million nationally),
// and as strings they were a fifth of the objects every collection marks.
// Names of availability's ids ("slots/" or "ranges/" and 20 characters)
// fit in short; a longer one stays a string.
type itemName struct {
	short [27]byte
	n     uint8 // bytes used in short; 0 when the name is long
	long  string
}

// nameOf returns the itemName of s.
func nameOf(s string) itemName {
	var n itemName
	if len(s) > 0 && len(s) <= len(n.short) {
		n.n = uint8(copy(n.short[:], s))
	} else {
		n.long = s
	}
	return n
}

// String returns the name.
func (n *itemName) String() string {
	if n.n > 0 {
		return string(n.short[:n.n])
	}
	return n.long
}

// compare orders names as their strings do.
func (n *itemName) compare(o *itemName) int {
	if n.n > 0 && o.n > 0 {
		return bytes.Compare(n.short[:n.n], o.short[:o.n])
	}
	return strings.Compare(n.String(), o.String())
}

// holdOf returns the end of the hold on the item named n, in holds.
func holdOf(holds map[string]int64, n *itemName) (int64, bool) {
	if n.n > 0 {
		until, ok := holds[string(n.short[:n.n])] // looked up without a copy
		return until, ok
	}
	until, ok := holds[n.long]
	return until, ok
}
