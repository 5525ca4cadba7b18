package index

import "math"

// finePerCell is the number of fine cells along each side of a Cell: the
// scan grid is 0.02° square (about 2.2 km by 1.5 km in metropolitan France),
// fine enough that a 5 km search around Paris reads little beyond its disc.
const finePerCell = 5

// finePerDegree is the resolution of the scan grid.
const finePerDegree = cellsPerDegree * finePerCell

// row is what a scan reads of an entry without following a pointer: its
// position, what filters need, and the time span of its items. Most entries
// of a search are decided on their row alone: following the pointer to the
// items costs a cache miss or two, which dense cities multiply by tens of
// thousands.
type row struct {
	x, y, z    float64 // unit vector of the site
	flags      uint32  // see the f* constants
	profession uint16
	specialty  uint16
	first      [4]int64 // first start of its items of each visibility (SNP at 2), Unix seconds
	hi         int64    // last item.last() of its items, Unix seconds
	hash       uint64   // the entry's hash, its key's tie-break
	entry      uint32   // id of the entry (not a pointer: see numbered)
}

// Row flags.
const (
	fParticipant  uint32 = 1 << iota // takes part in SAS
	fExtra                           // accepts extra patients
	fFee                             // re-orientation fee
	fItems                           // has items
	fOwnSpecialty                    // some item has its own specialty
	fVendorOff                       // vendors' items do not count
	fAllVendor                       // every item comes from a vendor
	fActivity                        // the site is one of the professional's activity sites
	fAnyVendor                       // some item comes from a vendor
	fStructShift  = 8                // 1<<(fStructShift+StructureType) per structure type
	fVisShift     = 16               // 1<<(fVisShift+Visibility) per visibility of its items
	fModeShift    = 24               // 1<<(fModeShift+ConsultationMode) per mode of its items
)

// lo returns the first start of r's items.
func (r *row) lo() int64 {
	return min(r.first[0], r.first[1], r.first[2], r.first[3])
}

// block is the scan grid inside one Cell.
type block struct {
	cell Cell
	rows [finePerCell * finePerCell][]row
	n    int
}

// grid is the scan grid: the blocks that hold rows, by cell.
type grid struct {
	blocks map[Cell]*block
}

// fineOf returns the cell and the fine cell of p.
func fineOf(p Point) (Cell, uint8) {
	fl, fo := int(math.Floor(p.Lat*finePerDegree)), int(math.Floor(p.Lon*finePerDegree))
	cl, co := floorDiv(fl, finePerCell), floorDiv(fo, finePerCell)
	return Cell{Lat: int16(cl), Lon: int16(co)}, uint8((fl-cl*finePerCell)*finePerCell + fo - co*finePerCell)
}

// floorDiv returns a/b rounded down.
func floorDiv(a, b int) int {
	q := a / b
	if a%b != 0 && (a < 0) != (b < 0) {
		q--
	}
	return q
}

// put writes r, the row of e, into the grid at its site's position.
func (g *grid) put(e *entry, r row, entries *numbered[entry]) {
	c, f := fineOf(e.site.point)
	if e.blk != nil && (e.blk.cell != c || e.fine != f) {
		g.remove(e, entries)
	}
	if e.blk != nil {
		e.blk.rows[e.fine][e.pos] = r
		return
	}
	b := g.blocks[c]
	if b == nil {
		b = &block{cell: c}
		g.blocks[c] = b
	}
	e.blk, e.fine, e.pos = b, f, int32(len(b.rows[f]))
	b.rows[f] = append(b.rows[f], r)
	b.n++
}

// remove takes e's row out of the grid, moving the cell's last row, of an
// entry of entries, into its place.
func (g *grid) remove(e *entry, entries *numbered[entry]) {
	b := e.blk
	if b == nil {
		return
	}
	rows := b.rows[e.fine]
	last := len(rows) - 1
	if int(e.pos) != last {
		rows[e.pos] = rows[last]
		entries.get(rows[e.pos].entry).pos = e.pos
	}
	rows[last] = row{}
	b.rows[e.fine] = rows[:last]
	e.blk = nil
	if b.n--; b.n == 0 {
		delete(g.blocks, b.cell)
	}
}

// visit calls fn with the rows of each fine cell that may hold points of the
// disc of angular radius theta around p, skipping the fine cells that lie
// wholly within the disc of chord² inner (already read by a smaller pass).
func (g *grid) visit(p Point, theta, inner float64, fn func(rows []row)) {
	centre := p.unit()
	eachCell(p, theta*earthRadius, func(c Cell) {
		b := g.blocks[c]
		if b == nil {
			return
		}
		for i := range finePerCell {
			south := float64(int(c.Lat)*finePerCell+i) / finePerDegree
			span := band(p, theta, south-epsilon, south+1.0/finePerDegree+epsilon)
			if span < 0 {
				continue
			}
			span += epsilon
			west, east := int(math.Floor((p.Lon-span)*finePerDegree)), int(math.Floor((p.Lon+span)*finePerDegree))
			for j := max(west-int(c.Lon)*finePerCell, 0); j <= min(east-int(c.Lon)*finePerCell, finePerCell-1); j++ {
				rows := b.rows[i*finePerCell+j]
				if len(rows) == 0 || (inner > 0 && within(centre, c, i, j, inner)) {
					continue
				}
				fn(rows)
			}
		}
	})
}

// within reports whether fine cell (i, j) of c lies wholly within chord² inner
// of centre: its farthest point from any point of its own is a corner.
func within(centre vec, c Cell, i, j int, inner float64) bool {
	lat := float64(int(c.Lat)*finePerCell+i) / finePerDegree
	lon := float64(int(c.Lon)*finePerCell+j) / finePerDegree
	for _, d := range [4][2]float64{{0, 0}, {0, 1}, {1, 0}, {1, 1}} {
		corner := Point{Lat: lat + d[0]/finePerDegree, Lon: lon + d[1]/finePerDegree}
		if chord2(centre, corner.unit()) > inner {
			return false
		}
	}
	return true
}
