package synth

import (
	"math/rand/v2"
	"slices"
)

// picker draws indexes in proportion to weights, by a binary search over the
// cumulative weights.
type picker struct {
	cum []int64
}

// newPicker returns a picker over weights; their sum must be positive.
func newPicker(weights ...int64) picker {
	cum := make([]int64, len(weights))
	var sum int64
	for i, w := range weights {
		sum += w
		cum[i] = sum
	}
	return picker{cum: cum}
}

// pick returns an index i with probability weights[i]/sum.
func (p picker) pick(r *rand.Rand) int {
	x := r.Int64N(p.cum[len(p.cum)-1])
	i, _ := slices.BinarySearch(p.cum, x+1)
	return i
}

// chance reports true with probability perMille/1000.
func chance(r *rand.Rand, perMille int) bool {
	return r.IntN(1000) < perMille
}
