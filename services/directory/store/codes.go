package store

import "context"

// Code kinds of the codes table.
const (
	KindProfession = "profession"
	KindSpecialty  = "specialty"
)

// Code is an entry of a code table built from the extraction.
type Code struct {
	Kind, Code, Label string
	// Extra is the category of a profession, the savoir-faire type of a specialty.
	Extra string
}

// Codes returns the codes of a kind, by code.
func (d *DB) Codes(ctx context.Context, kind string) ([]Code, error) {
	rows, err := d.db.QueryContext(ctx, `SELECT kind, code, label, extra FROM codes WHERE kind = $1 ORDER BY code`, kind)
	if err != nil {
		return nil, d.classify(err)
	}
	return collect(rows, func(s scanner) (Code, error) {
		var c Code
		return c, s.Scan(&c.Kind, &c.Code, &c.Label, &c.Extra)
	})
}
