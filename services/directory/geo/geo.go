// Package geo places French addresses on the map from the official commune
// reference (INSEE COG 2024 with La Poste postal codes, see data/SOURCE.md): a
// commune INSEE code or, failing that, a postal code gives the coordinates of the
// commune centre.
package geo

import "math"

// earthRadius is the mean radius of the Earth in metres (IUGG).
const earthRadius = 6_371_008.8

// Point is a WGS 84 position in decimal degrees.
type Point struct {
	Lat, Lon float64
}

// Distance returns the great-circle distance between a and b in metres
// (haversine formula on a spherical Earth).
func Distance(a, b Point) float64 {
	lat1, lat2 := radians(a.Lat), radians(b.Lat)
	dLat, dLon := lat2-lat1, radians(b.Lon-a.Lon)
	h := sin2(dLat/2) + math.Cos(lat1)*math.Cos(lat2)*sin2(dLon/2)
	return 2 * earthRadius * math.Asin(math.Sqrt(min(1, h)))
}

// radians converts degrees to radians.
func radians(deg float64) float64 { return deg * math.Pi / 180 }

// sin2 returns the square of sin x.
func sin2(x float64) float64 {
	s := math.Sin(x)
	return s * s
}
