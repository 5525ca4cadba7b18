package account

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"net/mail"
	"regexp"
	"slices"
	"unicode"
	"unicode/utf8"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/reflect/protoreflect"

	accountsv1 "github.com/sas-platform/sas/gen/sas/accounts/v1"
	commonv1 "github.com/sas-platform/sas/gen/sas/common/v1"
	"github.com/sas-platform/sas/services/platform/apierr"
	"github.com/sas-platform/sas/services/platform/policy"
	pstore "github.com/sas-platform/sas/services/platform/store"
)

// Limits of account fields (documented in the API).
const (
	maxEmail = 254
	maxText  = 100
)

// editableFields are the paths an update mask may name.
var editableFields = []string{"email", "role", "city", "departement", "territory", "national_id",
	"family_name", "given_name", "region", "profession"}

var (
	nationalIDForm  = regexp.MustCompile(`^(8[0-9]{11}|0[0-9A-Z]{9})$`)
	departementForm = regexp.MustCompile(`^departements/[0-9][0-9AB][0-9]?$`)
	territoryForm   = regexp.MustCompile(`^territories/[A-Za-z0-9-]{1,32}$`)
	regionForm      = regexp.MustCompile(`^regions/[0-9]{2}$`)
	professionForm  = regexp.MustCompile(`^[0-9A-Za-z]{1,10}$`)
)

// updateMask reads the paths of an update mask; "*" means every editable field.
func updateMask(paths []string) (map[string]bool, error) {
	if len(paths) == 0 {
		return nil, apierr.InvalidArgument(apierr.Violation{Field: "update_mask", Description: "name the fields to change"})
	}
	mask := map[string]bool{}
	for _, p := range paths {
		switch {
		case p == "*":
			for _, f := range editableFields {
				mask[f] = true
			}
		case slices.Contains(editableFields, p):
			mask[p] = true
		default:
			return nil, apierr.InvalidArgument(apierr.Violation{Field: "update_mask",
				Description: fmt.Sprintf("%q is not an editable field (want some of %v)", p, editableFields)})
		}
	}
	return mask, nil
}

func protoName(path string) protoreflect.Name { return protoreflect.Name(path) }

// check validates account a (new when cur is nil, else cur changed on the
// fields of mask): the form of every field, then the caller's right to give
// its role in its territory, then the references (territory, département,
// région, directory). The région is derived from the département unless
// the request sets it.
func (s *Server) check(ctx context.Context, a, cur *accountsv1.Account, mask map[string]bool) error {
	if vs := checkForm(a); len(vs) > 0 {
		return apierr.InvalidArgument(vs...)
	}
	if cur == nil || a.Role != cur.Role || a.Territory != cur.Territory {
		if err := policy.CanAssignRole(policy.Caller(ctx), a.Role, a.Territory); err != nil {
			return err
		}
	}
	vs, err := s.checkReferences(ctx, a, cur == nil || mask["region"])
	if err != nil || len(vs) > 0 {
		return errors.Join(err, invalid(vs))
	}
	if a.NationalId != "" && s.dir != nil && (cur == nil || a.NationalId != cur.NationalId) {
		return s.checkDirectory(ctx, a.NationalId)
	}
	return nil
}

func invalid(vs []apierr.Violation) error {
	if len(vs) == 0 {
		return nil
	}
	return apierr.InvalidArgument(vs...)
}

// checkForm checks the form of each field, naming it as in the request.
func checkForm(a *accountsv1.Account) []apierr.Violation {
	var vs []apierr.Violation
	bad := func(field, desc string) {
		vs = append(vs, apierr.Violation{Field: "account." + field, Description: desc})
	}
	if msg := checkEmail(a.Email); msg != "" {
		bad("email", msg)
	}
	if _, known := accountsv1.Role_name[int32(a.Role)]; !known || a.Role == accountsv1.Role_ROLE_UNSPECIFIED {
		bad("role", "want one of the ROLE_ values other than ROLE_UNSPECIFIED")
	}
	if msg := checkText(a.City, true); msg != "" {
		bad("city", msg)
	}
	if !departementForm.MatchString(a.Departement) {
		bad("departement", `want "departements/{code}", such as "departements/44" or "departements/2A"`)
	}
	if !territoryForm.MatchString(a.Territory) {
		bad("territory", `want "territories/{id}", such as "territories/SAS-44"`)
	}
	switch {
	case a.NationalId == "" && a.Role == accountsv1.Role_ROLE_PROFESSIONAL:
		bad("national_id", "required for a professional")
	case a.NationalId != "" && !nationalIDForm.MatchString(a.NationalId):
		bad("national_id", `want "8" and the 11-digit RPPS number, or "0" and the 9-character ADELI number`)
	}
	for field, v := range map[string]string{"family_name": a.FamilyName, "given_name": a.GivenName} {
		if msg := checkText(v, false); msg != "" {
			bad(field, msg)
		}
	}
	if a.Region != "" && !regionForm.MatchString(a.Region) {
		bad("region", `want "regions/{code}", such as "regions/52"`)
	}
	if a.Profession != "" && !professionForm.MatchString(a.Profession) {
		bad("profession", `want a profession code of table TRE_G15, such as "10"`)
	}
	slices.SortFunc(vs, func(x, y apierr.Violation) int { return cmp.Compare(x.Field, y.Field) })
	return vs
}

// checkEmail returns what is wrong with an e-mail, or "".
func checkEmail(s string) string {
	if s == "" {
		return "required"
	}
	if len(s) > maxEmail {
		return fmt.Sprintf("at most %d characters", maxEmail)
	}
	addr, err := mail.ParseAddress(s)
	if err != nil || addr.Name != "" || addr.Address != s {
		return `want a bare address (RFC 5322 addr-spec) such as "anne.martin@ars.sante.fr", without a display name`
	}
	return ""
}

// checkText returns what is wrong with a name or city, or "".
func checkText(s string, required bool) string {
	switch {
	case s == "" && required:
		return "required"
	case !utf8.ValidString(s):
		return "not valid UTF-8"
	case utf8.RuneCountInString(s) > maxText:
		return fmt.Sprintf("at most %d characters", maxText)
	case slices.ContainsFunc([]rune(s), unicode.IsControl):
		return "control characters are not allowed"
	}
	return ""
}

// checkReferences checks that the territory and département exist, that
// the département belongs to the territory and the région to the
// département; it sets the région when regionGiven is false.
func (s *Server) checkReferences(ctx context.Context, a *accountsv1.Account, regionGiven bool) ([]apierr.Violation, error) {
	var vs []apierr.Violation
	t, err := s.store.GetTerritory(ctx, a.Territory)
	switch {
	case errors.Is(err, pstore.ErrNotFound):
		vs = append(vs, apierr.Violation{Field: "account.territory", Description: a.Territory + " is not a SAS territory"})
	case err != nil:
		return nil, err
	case len(t.Departements) > 0 && !slices.Contains(t.Departements, a.Departement):
		vs = append(vs, apierr.Violation{Field: "account.departement",
			Description: fmt.Sprintf("%s is not a département of %s (%v)", a.Departement, a.Territory, t.Departements)})
	}
	deps, err := s.store.Departements(ctx)
	if err != nil {
		return nil, err
	}
	i := slices.IndexFunc(deps, func(d *commonv1.Departement) bool { return d.Name == a.Departement })
	switch {
	case i < 0:
		vs = append(vs, apierr.Violation{Field: "account.departement", Description: a.Departement + " is not a département"})
	case !regionGiven || a.Region == "":
		a.Region = deps[i].Region
	case a.Region != deps[i].Region:
		vs = append(vs, apierr.Violation{Field: "account.region",
			Description: fmt.Sprintf("%s is in %s", a.Departement, deps[i].Region)})
	}
	return vs, nil
}

// checkDirectory asks the directory about a national id.
func (s *Server) checkDirectory(ctx context.Context, nid string) error {
	err := s.dir.CheckProfessional(ctx, nid)
	switch status.Code(err) {
	case codes.OK:
		return nil
	case codes.NotFound:
		return apierr.InvalidArgument(apierr.Violation{Field: "account.national_id", Description: nid + " is not in the RPPS/ADELI directory"})
	case codes.FailedPrecondition:
		return apierr.InvalidArgument(apierr.Violation{Field: "account.national_id", Description: nid + " is no longer active in the RPPS/ADELI directory"})
	}
	return err
}
