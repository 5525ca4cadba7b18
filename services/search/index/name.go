package index

import (
	"bytes"
	"cmp"
	"encoding/binary"
)

// itemName is the resource name of a slot or range, held in the item
// itself: as strings, 1.5 million names nationally were a fifth of the
// objects every collection marks, and a pointer in every item. The names of
// availability's ids ("slots/" or "ranges/" and 16 or 20 characters) fit in
// b; a longer one is numbered in state.longNames.
type itemName struct {
	b [27]byte
	n uint8 // bytes of the name in b; longName when b starts with its number
}

// longName marks an itemName holding the number of a long name.
const longName = 0xFF

// longNames numbers the names too long for an itemName. None exists today;
// the table only grows, by a string per such name ever seen.
type longNames struct {
	ids   map[string]uint32
	names []string
}

// newName returns the itemName of s, numbering it when it is long.
func (w *Writer) newName(s string) itemName {
	if n, ok := w.st.nameOf(s); ok {
		return n
	}
	t := &w.st.longNames
	if t.ids == nil {
		t.ids = map[string]uint32{}
	}
	id := uint32(len(t.names))
	t.ids[s], t.names = id, append(t.names, s)
	return longNameOf(id)
}

// nameOf returns the itemName of s, or false when s is a long name never
// numbered (no item has it).
func (st *state) nameOf(s string) (itemName, bool) {
	var n itemName
	if len(s) > 0 && len(s) <= len(n.b) {
		n.n = uint8(copy(n.b[:], s))
		return n, true
	}
	id, ok := st.longNames.ids[s]
	return longNameOf(id), ok
}

func longNameOf(id uint32) itemName {
	n := itemName{n: longName}
	binary.BigEndian.PutUint32(n.b[:], id)
	return n
}

// nameString returns the name n stands for.
func (st *state) nameString(n *itemName) string {
	if n.n == longName {
		return st.longNames.names[binary.BigEndian.Uint32(n.b[:])]
	}
	return string(n.b[:n.n])
}

// holdOf returns the end of the hold on the item named n.
func (st *state) holdOf(n *itemName) (int64, bool) {
	if n.n == longName {
		until, ok := st.holds[st.nameString(n)]
		return until, ok
	}
	until, ok := st.holds[string(n.b[:n.n])] // looked up without a copy
	return until, ok
}

// compare orders names as their strings do; long names come after the
// others, in the order they were first seen (a tie-break of items starting
// at the same second).
func (n *itemName) compare(o *itemName) int {
	switch {
	case n.n != longName && o.n != longName:
		return bytes.Compare(n.b[:n.n], o.b[:o.n])
	case n.n != longName:
		return -1
	case o.n != longName:
		return 1
	}
	return cmp.Compare(binary.BigEndian.Uint32(n.b[:]), binary.BigEndian.Uint32(o.b[:]))
}
