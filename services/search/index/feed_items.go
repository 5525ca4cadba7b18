package index

import (
	"strings"

	availabilityv1 "github.com/sas-platform/sas/gen/sas/availability/v1"
	commonv1 "github.com/sas-platform/sas/gen/sas/common/v1"
)

// PutSlot sets a slot. Only a published free slot is kept: an unpublished,
// booked or cancelled one is deleted. A slot of a structure (no
// professional) belongs to its matched site, and is dropped without one.
func (w *Writer) PutSlot(s *availabilityv1.Slot) {
	name := s.GetName()
	if name == "" {
		return
	}
	w.deleteItem(name)
	if !s.GetPublished() || s.GetStatus() != availabilityv1.Slot_STATUS_FREE ||
		s.GetStartTime() == nil || s.GetEndTime() == nil {
		return
	}
	it := item{name: w.newName(name), start: s.GetStartTime().GetSeconds(), end: s.GetEndTime().GetSeconds(),
		vendor: w.st.vendors.id(s.GetVendor()), vis: visibilityOf(s.GetVisibility()),
		modes: modesOf(s.GetConsultationModes()), appt: uint8(s.GetAppointmentType()),
		specialty: w.st.specialties.id(strings.TrimPrefix(s.GetSpecialty(), "specialties/"))}
	w.putItem(s.GetProfessional(), s.GetPlace().GetSite(), it)
}

// DeleteSlot takes a slot out.
func (w *Writer) DeleteSlot(name string) { w.deleteItem(name) }

// PutRange sets an availability range. Only a published range with places
// left, ending after it starts, is kept; otherwise it is deleted.
func (w *Writer) PutRange(r *availabilityv1.Range) {
	name := r.GetName()
	if name == "" {
		return
	}
	w.deleteItem(name)
	left := r.GetMaxPatients() - r.GetOrientationCount()
	if !r.GetPublished() || left <= 0 || r.GetStartTime() == nil ||
		r.GetEndTime().GetSeconds() <= r.GetStartTime().GetSeconds() {
		return
	}
	it := item{name: w.newName(name), start: r.GetStartTime().GetSeconds(), end: r.GetEndTime().GetSeconds(),
		places: left, vis: visibilityOf(r.GetVisibility()), modes: modesOf(r.GetConsultationModes()),
		isRange: true}
	w.putItem(r.GetProfessional(), r.GetPlace().GetSite(), it)
}

// DeleteRange takes a range out.
func (w *Writer) DeleteRange(name string) { w.deleteItem(name) }

// putItem places it for professional, or for the structure of site when
// professional is empty.
func (w *Writer) putItem(professional, siteName string, it item) {
	it.end = max(it.end, it.start)
	if siteName != "" {
		it.site = w.siteOf(siteName).id
	}
	key, structure := professional, false
	if key == "" {
		key, structure = siteName, true
	}
	if key == "" {
		return
	}
	w.place(w.ownerOf(key, structure), it)
}

// visibilityOf returns the visibility of an item; a range without one is
// meant for SAS regulation.
func visibilityOf(v commonv1.Visibility) uint8 {
	if v <= commonv1.Visibility_VISIBILITY_UNSPECIFIED || v > commonv1.Visibility_VISIBILITY_CPTS {
		return uint8(commonv1.Visibility_VISIBILITY_SNP)
	}
	return uint8(v)
}

// modesOf returns the bit set of consultation modes; none means at the practice.
func modesOf(modes []commonv1.ConsultationMode) uint8 {
	var m uint8
	for _, c := range modes {
		if c > 0 && c < 8 {
			m |= 1 << c
		}
	}
	if m == 0 {
		m = 1 << commonv1.ConsultationMode_CONSULTATION_MODE_PRACTICE
	}
	return m
}
