package synth

import (
	"math/rand/v2"
	"strconv"
)

// Sizes of the identifier spaces.
const (
	maxSites      = 90_000_000 // SIREN serials: 8 digits from 10,000,000
	adeliSerials  = 100_000    // per (département, profession)
	finessSerials = 500_000    // per département, two numbers each
)

// shuffle is a keyed permutation of [0, n), so that serials give distinct but
// scattered numbers: a 4-round Feistel network over [0, half²) ⊇ [0, n),
// cycle-walked back into [0, n).
type shuffle struct {
	n, half uint64
	keys    [4]uint64
}

// newShuffle returns a permutation of [0, n) keyed from r; half² must be at least n.
func newShuffle(r *rand.Rand, n, half uint64) shuffle {
	s := shuffle{n: n, half: half}
	for i := range s.keys {
		s.keys[i] = r.Uint64()
	}
	return s
}

// at returns the image of i, which must be below n.
func (s shuffle) at(i uint64) uint64 {
	x := s.feistel(i)
	for x >= s.n {
		x = s.feistel(x)
	}
	return x
}

// feistel permutes [0, half²): each round maps (l, r) to (r, l + F(r)).
func (s shuffle) feistel(x uint64) uint64 {
	l, r := x/s.half, x%s.half
	for _, k := range s.keys {
		l, r = r, (l+mix(r^k))%s.half
	}
	return l*s.half + r
}

// mix is the finalizer of SplitMix64.
func mix(x uint64) uint64 {
	x = (x ^ x>>30) * 0xbf58476d1ce4e5b9
	x = (x ^ x>>27) * 0x94d049bb133111eb
	return x ^ x>>31
}

// ids hands out the identifiers of professionals and sites, unique within a
// generated file.
type ids struct {
	rpps, siren, adeli, finess shuffle
	adeliNext, finessNext      map[string]uint64
}

// newIDs returns identifier sources keyed from r.
func newIDs(r *rand.Rand) *ids {
	return &ids{
		rpps:       newShuffle(r, 100_000_000, 10_000),
		siren:      newShuffle(r, maxSites, 10_000),
		adeli:      newShuffle(r, adeliSerials, 1_000),
		finess:     newShuffle(r, finessSerials, 1_000),
		adeliNext:  make(map[string]uint64),
		finessNext: make(map[string]uint64),
	}
}

// rppsID returns the RPPS number of the i-th professional: "10", 8 digits and
// a Luhn key, 11 digits.
func (d *ids) rppsID(i int) string {
	n := 1_000_000_000 + d.rpps.at(uint64(i))
	return strconv.FormatUint(n*10+luhnKey(n), 10)
}

// adeliID returns a new ADELI number (9 characters: the département, the
// profession and 5 digits), or "" when that département has run out.
func (d *ids) adeliID(departement, profession string) string {
	key := departement[:2] + profession
	serial := d.adeliNext[key]
	if serial >= adeliSerials {
		return ""
	}
	d.adeliNext[key] = serial + 1
	return key + formatDigits(d.adeli.at((serial+offset(key, adeliSerials))%adeliSerials), 5)
}

// siret returns the SIRET of the i-th site: a SIREN of 9 digits and an
// establishment number of 5, each Luhn-valid.
func (d *ids) siret(i int, establishment uint64) uint64 {
	siren := 10_000_000 + d.siren.at(uint64(i))
	siren = siren*10 + luhnKey(siren)
	n := siren*10_000 + establishment
	return n*10 + luhnKey(n)
}

// finessSerial returns the serial of a new pair of FINESS numbers (site and
// legal entity) in a département, or -1 when it has run out.
func (d *ids) finessSerial(departement string) int32 {
	serial := d.finessNext[departement]
	if serial >= finessSerials {
		return -1
	}
	d.finessNext[departement] = serial + 1
	return int32(d.finess.at((serial + offset(departement, finessSerials)) % finessSerials))
}

// offset returns a number below n drawn from key, so that the serials of
// different keys do not give the same digits.
func offset(key string, n uint64) uint64 {
	var h uint64
	for i := range len(key) {
		h = h*131 + uint64(key[i])
	}
	return mix(h) % n
}

// finessID returns a FINESS number: the département, 6 digits and a key.
func finessID(departement string, serial int32, legal bool) string {
	n := uint64(serial) * 2
	if legal {
		n++
	}
	b := make([]byte, 0, 9)
	b = append(b, departement[:2]...)
	b = appendDigits(b, n, 6)
	return string(appendDigits(b, luhnKey(numeric(b)), 1))
}

// numeric reads b as a number, letters (Corsica's 2A, 2B) counting as 0.
func numeric(b []byte) uint64 {
	var n uint64
	for _, c := range b {
		n *= 10
		if c >= '0' && c <= '9' {
			n += uint64(c - '0')
		}
	}
	return n
}

// luhnKey returns the digit that, appended to n, makes it pass the Luhn check.
func luhnKey(n uint64) uint64 {
	var sum uint64
	for double := true; n > 0; n, double = n/10, !double {
		d := n % 10
		if double {
			if d *= 2; d > 9 {
				d -= 9
			}
		}
		sum += d
	}
	return (10 - sum%10) % 10
}

// formatDigits formats n with width digits, zero-padded.
func formatDigits(n uint64, width int) string {
	return string(appendDigits(make([]byte, 0, width), n, width))
}

// appendDigits appends n with width digits, zero-padded (n is cut to width).
func appendDigits(b []byte, n uint64, width int) []byte {
	b = append(b, make([]byte, width)...)
	for i := len(b) - 1; i >= len(b)-width; i-- {
		b[i] = byte('0' + n%10)
		n /= 10
	}
	return b
}
