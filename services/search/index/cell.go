package index

import (
	"fmt"
	"math"
)

// cellsPerDegree is the resolution of the public grid: a Cell is 0.1° square.
const cellsPerDegree = 10

// Cell is a square of 0.1° of latitude by 0.1° of longitude (about 11 km by
// 7.5 km in metropolitan France), named by the floor of the tenths of degree of
// its south-west corner: Paris Notre-Dame (48.853, 2.349) is Cell{488, 23}.
// The cache layer keys its invalidation on cells: a search covers the cells
// Cells returns for its centre and final radius, and every change to the index
// reports the cells whose results it may have changed.
type Cell struct {
	Lat, Lon int16
}

// epsilon is the margin, in degrees, by which cell walks widen a disc so that
// rounding never leaves out a cell on its edge.
const epsilon = 1e-9

// CellOf returns the cell holding p.
func CellOf(p Point) Cell {
	c, _ := fineOf(p)
	return c
}

// String returns "488:23" for Cell{488, 23}, a stable key for a cache.
func (c Cell) String() string { return fmt.Sprintf("%d:%d", c.Lat, c.Lon) }

// south returns the latitude of the cell's southern edge.
func (c Cell) south() float64 { return float64(c.Lat) / cellsPerDegree }

// Cells returns the cells that intersect the disc of radius metres around p,
// row by row from the south, west to east. A search's results depend only on
// the sites inside its disc (and, for the patient's own doctor, on that
// doctor's sites wherever they are: see Search).
func Cells(p Point, radius float64) []Cell {
	var out []Cell
	eachCell(p, radius, func(c Cell) { out = append(out, c) })
	return out
}

// eachCell calls fn with each cell that intersects the disc of radius metres
// around p: the rows of the disc's latitudes, and in each row the cells within
// the disc's widest longitude span over that row (computed, not a bounding
// box, so a large disc skips its corners).
func eachCell(p Point, radius float64, fn func(Cell)) {
	theta := min(max(radius, 0)/earthRadius, math.Pi)
	dLat := degrees(theta)
	south, north := floorTenth(p.Lat-dLat-epsilon), floorTenth(p.Lat+dLat+epsilon)
	for lat := max(south, -900); lat <= min(north, 899); lat++ {
		c := Cell{Lat: int16(lat)}
		span := band(p, theta, c.south()-epsilon, c.south()+1.0/cellsPerDegree+epsilon)
		if span < 0 {
			continue
		}
		west, east := floorTenth(p.Lon-span-epsilon), floorTenth(p.Lon+span+epsilon)
		if span >= 180 {
			west, east = -1800, 1799
		}
		for lon := west; lon <= east; lon++ {
			c.Lon = int16(wrapTenth(lon))
			fn(c)
		}
	}
}

// floorTenth returns the floor of deg in tenths of degree.
func floorTenth(deg float64) int { return int(math.Floor(deg * cellsPerDegree)) }

// wrapTenth brings a longitude in tenths of degree into [-1800, 1800).
func wrapTenth(lon int) int {
	for lon < -1800 {
		lon += 3600
	}
	for lon >= 1800 {
		lon -= 3600
	}
	return lon
}
