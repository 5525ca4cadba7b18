package geo

import "strings"

// Precision says what a Result was found from.
type Precision int

const (
	// PrecisionNone means the address could not be placed (foreign address,
	// unknown codes): Result holds no point.
	PrecisionNone Precision = iota
	// PrecisionCommune means the INSEE commune code was found: the point is the
	// centre of the commune.
	PrecisionCommune
	// PrecisionPostalCode means only the postal code was found: the point is the
	// centre of the most populous commune having that postal code.
	PrecisionPostalCode
)

// String returns "none", "commune" or "postal_code".
func (p Precision) String() string {
	switch p {
	case PrecisionCommune:
		return "commune"
	case PrecisionPostalCode:
		return "postal_code"
	default:
		return "none"
	}
}

// Result is where Locate placed an address.
type Result struct {
	Point       Point
	Precision   Precision
	InseeCode   string // the commune the point is the centre of
	Departement string // "44", "2A", "971"
}

// Locate places a practice site from the codes of its address:
//  1. a known INSEE code (commune, municipal arrondissement, or former
//     commune with the département of its parent) gives PrecisionCommune;
//  2. else a known postal code, or else the leading 5 digits of the cedex
//     ("75015 PARIS"), gives the most populous commune having it, with
//     PrecisionPostalCode;
//  3. else the Result is empty, with PrecisionNone: the caller keeps the site,
//     flagged.
func (c *Communes) Locate(inseeCode, postalCode, cedex string) Result {
	if i, ok := c.byInsee[strings.TrimSpace(inseeCode)]; ok {
		return c.result(i, PrecisionCommune)
	}
	for _, code := range [2]string{strings.TrimSpace(postalCode), cedexPostalCode(cedex)} {
		if i, ok := c.byPostal[code]; ok {
			return c.result(i, PrecisionPostalCode)
		}
	}
	return Result{}
}

// result returns commune i as found with precision p.
func (c *Communes) result(i int32, p Precision) Result {
	e := &c.communes[i]
	return Result{Point: e.Point, Precision: p, InseeCode: e.InseeCode, Departement: e.Departement}
}

// cedexPostalCode returns the leading 5 digits of a cedex line such as
// "75732 PARIS CEDEX 15", or "" when it does not start with them.
func cedexPostalCode(cedex string) string {
	cedex = strings.TrimSpace(cedex)
	if len(cedex) < 5 || !isPostalCode(cedex[:5]) || (len(cedex) > 5 && cedex[5] != ' ') {
		return ""
	}
	return cedex[:5]
}
