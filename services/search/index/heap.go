package index

import (
	"cmp"
	"math"
	"slices"
)

// cand is an entry found by a scan, by id, with its sort key.
type cand struct {
	key   uint64
	entry uint32
}

// top keeps the k candidates of smallest key: a max-heap of at most k.
type top struct {
	k    int
	heap []cand
}

// offer adds c when it is among the k smallest so far.
func (t *top) offer(c cand) {
	h := t.heap
	if len(h) < t.k {
		h = append(h, c)
		for i := len(h) - 1; i > 0; {
			p := (i - 1) / 2
			if h[p].key >= h[i].key {
				break
			}
			h[p], h[i] = h[i], h[p]
			i = p
		}
		t.heap = h
		return
	}
	if t.k == 0 || c.key >= h[0].key {
		return
	}
	h[0] = c
	for i := 0; ; {
		l, big := 2*i+1, i
		if l < len(h) && h[l].key > h[big].key {
			big = l
		}
		if l+1 < len(h) && h[l+1].key > h[big].key {
			big = l + 1
		}
		if big == i {
			return
		}
		h[i], h[big] = h[big], h[i]
		i = big
	}
}

// sorted returns the candidates by key, smallest first.
func (t *top) sorted() []cand {
	slices.SortFunc(t.heap, func(a, b cand) int { return cmp.Compare(a.key, b.key) })
	return t.heap
}

// distanceKey orders SAS participants first, then by distance (chord² d2),
// then by the entry's hash.
func distanceKey(participant bool, d2 float64, hash uint64) uint64 {
	k := uint64(math.Float32bits(float32(d2)))<<31 | hash>>33
	if !participant {
		k |= 1 << 63
	}
	return k
}

// shuffleKey orders SAS participants first, then by a hash of the seed and the
// entry: the same order for the same seed, a different one for another.
func shuffleKey(participant bool, seed int64, hash uint64) uint64 {
	k := mix(uint64(seed)^hash) >> 1
	if !participant {
		k |= 1 << 63
	}
	return k
}

// mix is the finaliser of SplitMix64.
func mix(z uint64) uint64 {
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9
	z = (z ^ (z >> 27)) * 0x94d049bb133111eb
	return z ^ (z >> 31)
}
