package fhir

import (
	"encoding/json"
	"fmt"
	"strings"

	availabilityv1 "github.com/sas-platform/sas/gen/sas/availability/v1"
)

// node is one entry of the Bundle, parsed as far as its resource type needs.
type node struct {
	index   int
	root    string // the path of a resource sent on its own; "" in a Bundle
	fullURL string
	typ, id string
	method  string // request.method of a transaction or batch entry
	reqURL  string // request.url
	err     *fault // the entry is unreadable
	slot    *slotResource
	sched   *scheduleResource
	ident   *identified // Practitioner, Organization
	role    *roleResource
	loc     *locationResource
	appt    *appointmentResource
}

// path is the FHIRPath of the node's resource.
func (n *node) path() string {
	if n.root != "" {
		return n.root
	}
	return fmt.Sprintf("Bundle.entry[%d].resource", n.index)
}

// requestPath is the FHIRPath of the node's request URL; "" for a resource
// sent on its own, whose URL is not in the document.
func (n *node) requestPath() string {
	if n.root != "" {
		return ""
	}
	return fmt.Sprintf("Bundle.entry[%d].request.url", n.index)
}

// name is "Type/id", or "" when the resource lacks either.
func (n *node) name() string {
	if n.typ == "" || n.id == "" {
		return ""
	}
	return n.typ + "/" + n.id
}

// decoder resolves the entries of one Bundle.
type decoder struct {
	b         *bundle
	nodes     []node
	byURL     map[string]int // fullUrl → index
	byTypeID  map[string]int // "Type/id" → index of the first such entry
	practices map[int]practiceMemo
}

type practiceMemo struct {
	p practice
	f *fault
}

func newDecoder(b *bundle) *decoder {
	d := &decoder{
		b:         b,
		nodes:     make([]node, len(b.Entry)),
		byURL:     make(map[string]int, len(b.Entry)),
		byTypeID:  make(map[string]int, len(b.Entry)),
		practices: make(map[int]practiceMemo),
	}
	for i, raw := range b.Entry {
		d.nodes[i] = d.parse(i, raw)
	}
	for i := range d.nodes {
		d.index(&d.nodes[i])
	}
	return d
}

// decode converts every slot, deletion and appointment, collecting the errors.
func (d *decoder) decode() Result {
	res := Result{Type: d.b.Type, Entries: len(d.nodes), Next: d.next()}
	seen := make(map[string]int)
	for i := range d.nodes {
		n := &d.nodes[i]
		c, f := d.convert(n)
		if f == nil {
			f = c.duplicate(n, seen)
		}
		switch {
		case f != nil:
			res.Errors = append(res.Errors, n.entryError(f))
		case c.slot != nil:
			res.Slots = append(res.Slots, Entry{Index: i, FullURL: n.fullURL, Slot: c.slot})
		case c.del != nil:
			res.Deletes = append(res.Deletes, *c.del)
		case c.appt != nil:
			res.Appointments = append(res.Appointments, *c.appt)
		}
	}
	return res
}

// converted is what an entry holds: a slot, a deletion, an appointment, or
// nothing of its own.
type converted struct {
	slot *availabilityv1.Slot
	del  *Delete
	appt *AppointmentEntry
}

// convert returns what n holds, or why it is refused.
func (d *decoder) convert(n *node) (converted, *fault) {
	var c converted
	var f *fault
	switch {
	case n.err != nil:
		f = n.err
	case n.method == "DELETE":
		c.del, f = n.delete()
	case n.typ == "Slot":
		c.slot, f = d.convertSlot(n)
	case n.typ == "Appointment" && d.b.Type == TypeSearchset:
		f = faultf(n.path(), IssueNotSupported,
			"an Appointment in a searchset: send it in a transaction or batch Bundle, or POST it to [base]/Appointment")
	case n.typ == "Appointment":
		c.appt, f = d.convertAppointment(n)
	}
	if f != nil {
		return converted{}, f
	}
	return c, nil
}

// duplicate refuses a slot or appointment whose vendor's id an earlier entry
// of seen already has, and records it otherwise.
func (c converted) duplicate(n *node, seen map[string]int) *fault {
	var key, path string
	switch {
	case c.slot != nil:
		key, path = "Slot/"+c.slot.GetExternalId(), n.path()+".id"
	case c.appt != nil:
		key, path = "Appointment/"+c.appt.Appointment.GetExternalId(), c.appt.keyPath
	default:
		return nil
	}
	if first, dup := seen[key]; dup {
		typ, id, _ := strings.Cut(key, "/")
		return faultf(path, IssueDuplicate, "%s %s already in entry[%d]", typ, q(id), first)
	}
	seen[key] = n.index
	return nil
}

// entryError gives f its entry.
func (n *node) entryError(f *fault) *EntryError {
	return &EntryError{Index: n.index, FullURL: n.fullURL, Resource: n.name(),
		Path: f.path, Code: f.code, Reason: f.reason}
}

// next returns the searchset's next link, if any.
func (d *decoder) next() string {
	for _, l := range d.b.Link {
		if l.Relation == "next" {
			return l.URL
		}
	}
	return ""
}

// parse reads entry i as far as its resource type needs.
func (d *decoder) parse(i int, raw json.RawMessage) node {
	n := node{index: i}
	path := fmt.Sprintf("Bundle.entry[%d]", i)
	var e entry
	if err := json.Unmarshal(raw, &e); err != nil {
		n.err = jsonFault(err, path)
		return n
	}
	n.fullURL = e.FullURL
	if e.Request != nil && d.b.Type != TypeSearchset {
		n.method, n.reqURL = e.Request.Method, e.Request.URL
		switch n.method {
		case "DELETE":
			return n
		case "POST", "PUT":
		default:
			n.err = faultf(path+".request.method", IssueNotSupported, "%s not supported: POST, PUT or DELETE", q(n.method))
			return n
		}
	}
	if len(e.Resource) == 0 || string(e.Resource) == "null" {
		n.err = faultf(path+".resource", IssueRequired, "missing")
		return n
	}
	n.err = n.parseResource(e.Resource)
	return n
}

// parseResource reads the resource of n by its type.
func (n *node) parseResource(raw json.RawMessage) *fault {
	path := n.path()
	var h head
	if err := json.Unmarshal(raw, &h); err != nil {
		return jsonFault(err, path)
	}
	if h.ResourceType == "" {
		return faultf(path+".resourceType", IssueRequired, "missing")
	}
	n.typ, n.id = h.ResourceType, h.ID
	var target any
	switch n.typ {
	case "Slot":
		n.slot = new(slotResource)
		target = n.slot
	case "Schedule":
		n.sched = new(scheduleResource)
		target = n.sched
	case "Practitioner", "Organization":
		n.ident = new(identified)
		target = n.ident
	case "PractitionerRole":
		n.role = new(roleResource)
		target = n.role
	case "Location":
		n.loc = new(locationResource)
		target = n.loc
	case "Appointment":
		n.appt = new(appointmentResource)
		target = n.appt
	default:
		return nil
	}
	if err := json.Unmarshal(raw, target); err != nil {
		return jsonFault(err, path)
	}
	return nil
}

// index records n under its fullUrl and its "Type/id"; the first entry wins.
func (d *decoder) index(n *node) {
	if n.fullURL != "" {
		if _, ok := d.byURL[n.fullURL]; !ok {
			d.byURL[n.fullURL] = n.index
		}
	}
	if name := n.name(); name != "" && n.err == nil {
		if _, ok := d.byTypeID[name]; !ok {
			d.byTypeID[name] = n.index
		}
	}
}

// resolve finds the entry a reference made from entry from points to: by
// fullUrl, then relative to the referring entry's base, then by "Type/id".
func (d *decoder) resolve(from int, ref string) (*node, bool) {
	if ref == "" || ref[0] == '#' {
		return nil, false
	}
	if j, ok := d.byURL[ref]; ok {
		return &d.nodes[j], true
	}
	ref = stripHistory(ref)
	if !strings.Contains(ref, ":") {
		if base := baseOf(d.nodes[from].fullURL); base != "" {
			if j, ok := d.byURL[base+ref]; ok {
				return &d.nodes[j], true
			}
		}
	}
	if j, ok := d.byTypeID[typeID(ref)]; ok {
		return &d.nodes[j], true
	}
	return nil, false
}

// stripHistory removes a version suffix "/_history/{v}".
func stripHistory(ref string) string {
	if i := strings.Index(ref, "/_history/"); i >= 0 {
		return ref[:i]
	}
	return ref
}

// baseOf returns the service base of an absolute fullUrl "{base}Type/id".
func baseOf(fullURL string) string {
	if !strings.HasPrefix(fullURL, "http://") && !strings.HasPrefix(fullURL, "https://") {
		return ""
	}
	i := strings.LastIndexByte(fullURL, '/')
	if i <= 0 {
		return ""
	}
	j := strings.LastIndexByte(fullURL[:i], '/')
	if j < len("https://") {
		return ""
	}
	return fullURL[:j+1]
}

// typeID returns the "Type/id" a relative or absolute RESTful reference ends
// with, or "" for other references (urn:uuid:…, urn:oid:…).
func typeID(ref string) string {
	if strings.HasPrefix(ref, "urn:") {
		return ""
	}
	ref = strings.TrimRight(ref, "/")
	i := strings.LastIndexByte(ref, '/')
	if i <= 0 {
		return ""
	}
	j := strings.LastIndexByte(ref[:i], '/')
	return ref[j+1:]
}

// refType returns the resource type a reference names, such as
// "Practitioner" for "Practitioner/p1".
func refType(ref string) string {
	t, _, _ := strings.Cut(typeID(stripHistory(ref)), "/")
	return t
}
