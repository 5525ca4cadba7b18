package index

import "math"

// earthRadius is the mean radius of the Earth in metres (IUGG).
const earthRadius = 6_371_008.8

// maxRadius is the largest search radius around a place, in metres.
const maxRadius = 100_000

// Point is a WGS 84 position in decimal degrees.
type Point struct {
	Lat, Lon float64
}

// vec is a point as a unit vector of the sphere: the chord between two of
// them orders points by great-circle distance exactly, with three
// multiplications and no trigonometry.
type vec struct {
	x, y, z float64
}

// unit returns p as a unit vector.
func (p Point) unit() vec {
	lat, lon := radians(p.Lat), radians(p.Lon)
	c := math.Cos(lat)
	return vec{c * math.Cos(lon), c * math.Sin(lon), math.Sin(lat)}
}

// chord2 returns the square of the chord between two unit vectors.
func chord2(a, b vec) float64 {
	dx, dy, dz := a.x-b.x, a.y-b.y, a.z-b.z
	return dx*dx + dy*dy + dz*dz
}

// chord2Of returns the square of the chord that spans d metres of great circle.
func chord2Of(d float64) float64 {
	c := 2 * math.Sin(min(d/earthRadius, math.Pi)/2)
	return c * c
}

// metresOf returns the great-circle distance spanned by a chord whose square is c2.
func metresOf(c2 float64) float64 {
	return earthRadius * angleOf(c2)
}

// angleOf returns the angle at the centre of the sphere spanned by a chord
// whose square is c2.
func angleOf(c2 float64) float64 {
	return 2 * math.Asin(min(1, math.Sqrt(max(0, c2))/2))
}

// Distance returns the great-circle distance between a and b in metres.
func Distance(a, b Point) float64 {
	return metresOf(chord2(a.unit(), b.unit()))
}

// radians converts degrees to radians.
func radians(deg float64) float64 { return deg * math.Pi / 180 }

// degrees converts radians to degrees.
func degrees(rad float64) float64 { return rad * 180 / math.Pi }

// valid reports whether p is a position on Earth.
func (p Point) valid() bool {
	return p.Lat >= -90 && p.Lat <= 90 && p.Lon >= -180 && p.Lon <= 180
}

// lonSpan returns the half-width in degrees of longitude, at latitude lat, of
// the disc of angular radius theta around centre: 0 when the parallel only
// touches it, 180 when it lies all inside. The width is largest at one
// latitude and shrinks away from it, which band uses.
func lonSpan(centre Point, theta, lat float64) float64 {
	p0, p := radians(centre.Lat), radians(lat)
	den := math.Cos(p) * math.Cos(p0)
	if den <= 1e-12 {
		return 180
	}
	c := (math.Cos(theta) - math.Sin(p)*math.Sin(p0)) / den
	switch {
	case c >= 1:
		return 0 // tangent, or just off by rounding
	case c <= -1:
		return 180
	}
	return degrees(math.Acos(c))
}

// band returns the half-width in degrees of longitude of the disc of angular
// radius theta around centre over the latitudes [lat0, lat1], or -1 when the
// band misses the disc.
func band(centre Point, theta, lat0, lat1 float64) float64 {
	lo, hi := centre.Lat-degrees(theta), centre.Lat+degrees(theta)
	if lat1 < lo || lat0 > hi {
		return -1
	}
	if lo <= -90 || hi >= 90 {
		return 180
	}
	// The widest parallel of the disc: sin φ* = sin φ0 / cos θ.
	widest := degrees(math.Asin(max(-1, min(1, math.Sin(radians(centre.Lat))/math.Cos(theta)))))
	at := min(max(widest, lat0), lat1)
	return lonSpan(centre, theta, at)
}
