package orientation

import (
	"regexp"

	commonv1 "github.com/sas-platform/sas/gen/sas/common/v1"
	searchv1 "github.com/sas-platform/sas/gen/sas/search/v1"
	"github.com/sas-platform/sas/services/platform/apierr"
)

// checkName is INVALID_ARGUMENT on field unless name matches form.
func checkName(name string, form *regexp.Regexp, field, want string) error {
	if !form.MatchString(name) {
		return apierr.InvalidArgument(apierr.Violation{Field: field, Description: want})
	}
	return nil
}

// checkOrientation checks the fields of a new orientation: each type names
// its target, and only it.
func checkOrientation(o *searchv1.Orientation) error {
	if o == nil {
		return apierr.InvalidArgument(apierr.Violation{Field: "orientation", Description: "required"})
	}
	var vs []apierr.Violation
	bad := func(field, desc string) {
		vs = append(vs, apierr.Violation{Field: "orientation." + field, Description: desc})
	}
	form := func(field, v string, re *regexp.Regexp, want string) {
		if v != "" && !re.MatchString(v) {
			bad(field, want)
		}
	}
	form("slot", o.GetSlot(), slotName, `want "slots/{id}"`)
	form("range", o.GetRange(), rangeName, `want "ranges/{id}"`)
	form("professional", o.GetProfessional(), professionalName, `want "professionals/{national_id}"`)
	form("structure", o.GetStructure(), siteName, `want "sites/{id}"`)
	if _, ok := commonv1.ConsultationMode_name[int32(o.GetConsultationMode())]; !ok {
		bad("consultation_mode", "unknown consultation mode")
	}
	switch o.GetType() {
	case searchv1.Orientation_TYPE_SLOT:
		required(bad, "slot", o.GetSlot(), "TYPE_SLOT")
		forbidden(bad, "range", o.GetRange(), "TYPE_RANGE")
	case searchv1.Orientation_TYPE_RANGE:
		required(bad, "range", o.GetRange(), "TYPE_RANGE")
		forbidden(bad, "slot", o.GetSlot(), "TYPE_SLOT")
	case searchv1.Orientation_TYPE_EXTRA_PATIENT:
		forbidden(bad, "slot", o.GetSlot(), "TYPE_SLOT")
		forbidden(bad, "range", o.GetRange(), "TYPE_RANGE")
		if o.GetProfessional() == "" && o.GetStructure() == "" {
			bad("professional", "required for TYPE_EXTRA_PATIENT unless orientation.structure (the CPTS) is set")
		}
	default:
		bad("type", "want TYPE_SLOT, TYPE_RANGE or TYPE_EXTRA_PATIENT")
	}
	if len(vs) > 0 {
		return apierr.InvalidArgument(vs...)
	}
	return nil
}

func required(bad func(field, desc string), field, v, typ string) {
	if v == "" {
		bad(field, "required for "+typ)
	}
}

func forbidden(bad func(field, desc string), field, v, only string) {
	if v != "" {
		bad(field, "only for "+only)
	}
}
