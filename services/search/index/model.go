package index

import (
	"strings"

	commonv1 "github.com/sas-platform/sas/gen/sas/common/v1"
	directoryv1 "github.com/sas-platform/sas/gen/sas/directory/v1"
)

// owner is whoever availability belongs to: a professional
// ("professionals/{national_id}"), or a structure whose slots name no
// professional (SOS Médecins; keyed by its site, "sites/{id}").
type owner struct {
	key       string
	id        uint32         // in state.ownerIDs, for item references
	pro       *professional  // nil until the directory sends it, and for a structure
	part      *participation // nil when the professional never set one
	entries   []*entry       // one per site with availability or flags
	pending   []item         // items that cannot be placed now (see place)
	sites     []*site        // sites referenced: activities and items' places
	structure bool
}

// professional is what search keeps of a directory professional.
type professional struct {
	names            string // family and given names, one string (see namesOf)
	civility         uint16 // interned
	profession       uint16 // interned TRE_G15 code
	activities       []activity
	active, optedOut bool
}

// namesOf joins a professional's family and given names into one string:
// one heap object for the collector to mark instead of two, 400,000 times.
func namesOf(family, given string) string { return family + "\x00" + given }

// family returns the family name of p.
func (p *professional) family() string {
	family, _, _ := strings.Cut(p.names, "\x00")
	return family
}

// given returns the given name of p.
func (p *professional) given() string {
	_, given, _ := strings.Cut(p.names, "\x00")
	return given
}

// activity is a practice of a professional at a site.
type activity struct {
	site      *site
	specialty uint16 // interned TRE_R38 code, 0 when none
}

// participation is how a professional takes part in SAS.
type participation struct {
	participates, extra, fee, vendors bool
	mode                              commonv1.ParticipationMode
}

// visible reports whether o's availability may appear in searches.
func (o *owner) visible() bool {
	return o.structure || (o.pro != nil && o.pro.active && !o.pro.optedOut)
}

// flagged reports whether o is found without slots in some mode.
func (o *owner) flagged() bool {
	return o.part != nil && (o.part.extra || o.part.fee)
}

// site is a practice site of the directory.
type site struct {
	name       string
	id         uint32 // in state.siteIDs, for items
	known      bool   // the directory sent it
	text       string // what results show of it, one string (see packSite)
	hasAddress bool
	structure  commonv1.StructureType
	located    bool
	point      Point
	unit       vec
	owners     []*owner // owners referencing it, to place again when it moves
}

// item is a free slot or a range with places left. It holds no pointer, so
// that the collector does not scan the arrays of 1.5 million of them.
type item struct {
	name      itemName // "slots/{id}" or "ranges/{id}"
	start     int64    // Unix seconds
	end       int64    // Unix seconds
	site      uint32   // id of the matched site (see state.site); 0 when the slot names none
	places    int32    // places left in a range; 0 for a slot
	vendor    uint16   // interned "vendors/{id}", 0 for a hand entry
	specialty uint16   // interned TRE_R38 code, 0 for the professional's own
	vis       uint8    // commonv1.Visibility
	modes     uint8    // bit 1<<ConsultationMode for each mode offered
	appt      uint8    // commonv1.AppointmentType
	isRange   bool
}

// last returns the last second at which the item can still be taken, plus
// one: a slot must start within a window, a range only overlap it.
func (it *item) last() int64 {
	if it.isRange {
		return it.end
	}
	return it.start + 1
}

// entry is a (owner, site) pair: one search result.
type entry struct {
	id        uint32 // in state.entryIDs, for rows and item references; 0 once dropped
	owner     *owner
	site      *site
	slots     []item // by start, then name
	ranges    []item // by start, then name
	activity  bool   // the site is one of the owner's activity sites
	specialty uint16 // the owner's specialty at that site
	hash      uint64 // of owner key and site name: tie-break and shuffle key
	blk       *block // where its row is; nil when not indexed
	fine      uint8  // its fine cell in blk
	pos       int32  // its row in that cell
}

// empty reports whether e has no items.
func (e *entry) empty() bool { return len(e.slots) == 0 && len(e.ranges) == 0 }

// interned maps codes ("10", "SM54", "vendors/x") to small numbers, 0 being
// the empty code. Only the writer adds; readers look up under the read lock.
type interned struct {
	ids   map[string]uint16
	names []string
}

// newInterned returns a table holding the empty code as 0.
func newInterned() interned {
	return interned{ids: map[string]uint16{"": 0}, names: []string{""}}
}

// id returns the number of code, adding it; codes past 65,535 share the last
// number (never reached by the tables of professions, specialties, vendors).
func (t *interned) id(code string) uint16 {
	if n, ok := t.ids[code]; ok {
		return n
	}
	if len(t.names) > 0xFFFF {
		return 0xFFFF
	}
	n := uint16(len(t.names))
	t.ids[code] = n
	t.names = append(t.names, code)
	return n
}

// lookup returns the number of code, or false when it was never added.
func (t *interned) lookup(code string) (uint16, bool) {
	n, ok := t.ids[code]
	return n, ok
}

// name returns the code of number n.
func (t *interned) name(n uint16) string {
	if int(n) < len(t.names) {
		return t.names[n]
	}
	return ""
}

// packSite joins what results show of s (name, phone, address) into one
// string, NUL-separated: one heap object for the collector to mark instead
// of an address message and its strings, 120,000 times.
func packSite(s *directoryv1.Site) string {
	a := s.GetAddress()
	fields := append([]string{siteName(s), s.GetPhone(), a.GetPostalCode(), a.GetCity(), a.GetInseeCode(), a.GetCountryCode()}, a.GetLines()...)
	for i, f := range fields {
		fields[i] = strings.ReplaceAll(f, "\x00", "") // never in the directory's data; kept from splitting wrong
	}
	return strings.Join(fields, "\x00")
}
