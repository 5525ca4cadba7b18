package rpps

import (
	"fmt"
	"strings"
)

// Identifier types.
const (
	IDTypeRPPS  = "8"
	IDTypeADELI = "0"
)

// check validates the identifiers and the mandatory values of a. It returns the column at
// fault and why, or an empty reason.
func check(a *Activity) (col, reason string) {
	switch a.IDType {
	case IDTypeRPPS:
		if !isRPPS(a.ID) {
			return colID, fmt.Sprintf("RPPS identifier %q is not 11 digits", a.ID)
		}
	case IDTypeADELI:
		if !isADELI(a.ID) {
			return colID, fmt.Sprintf("ADELI identifier %q is not 9 characters of [0-9A-Z]", a.ID)
		}
	default:
		return colIDType, fmt.Sprintf("%q is neither 8 (RPPS) nor 0 (ADELI)", a.IDType)
	}
	if !isNationalID(a) {
		return colNationalID, fmt.Sprintf("%q is not %q followed by %q", a.NationalID, a.IDType, a.ID)
	}
	if a.FamilyName == "" {
		return colFamilyName, "empty"
	}
	if a.Profession == "" {
		return colProfession, "empty"
	}
	return "", ""
}

// isRPPS reports whether id is 11 digits.
func isRPPS(id string) bool {
	if len(id) != 11 {
		return false
	}
	for i := 0; i < len(id); i++ {
		if id[i] < '0' || id[i] > '9' {
			return false
		}
	}
	return true
}

// isADELI reports whether id is 9 characters of [0-9A-Z].
func isADELI(id string) bool {
	if len(id) != 9 {
		return false
	}
	for i := 0; i < len(id); i++ {
		c := id[i]
		if (c < '0' || c > '9') && (c < 'A' || c > 'Z') {
			return false
		}
	}
	return true
}

// isNationalID reports whether a.NationalID is a.IDType followed by a.ID.
func isNationalID(a *Activity) bool {
	n := a.NationalID
	return len(n) == len(a.IDType)+len(a.ID) &&
		strings.HasPrefix(n, a.IDType) && strings.HasSuffix(n, a.ID)
}
