package index

// numbered gives objects small numbers, so that what refers to them can hold
// a number instead of a pointer: the collector does not scan arrays and maps
// of pointer-free values (1.5 million items and their references, 800,000
// rows at national scale). Number 0 is none; a freed number is given again.
type numbered[T any] struct {
	byID []*T
	free []uint32
}

// newNumbered returns a table with 0 taken.
func newNumbered[T any]() numbered[T] { return numbered[T]{byID: []*T{nil}} }

// add numbers p.
func (n *numbered[T]) add(p *T) uint32 {
	if k := len(n.free); k > 0 {
		id := n.free[k-1]
		n.free = n.free[:k-1]
		n.byID[id] = p
		return id
	}
	n.byID = append(n.byID, p)
	return uint32(len(n.byID) - 1)
}

// get returns the object of id; nil for 0 or a freed number.
func (n *numbered[T]) get(id uint32) *T { return n.byID[id] }

// remove frees id; nothing may refer to it any more.
func (n *numbered[T]) remove(id uint32) {
	n.byID[id] = nil
	n.free = append(n.free, id)
}
