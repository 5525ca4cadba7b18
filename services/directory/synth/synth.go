// Package synth generates synthetic extractions of the RPPS/ADELI directory
// (PS_LibreAcces_Personne_activite) for tests, demos and benchmarks: professionals
// with realistic identifiers, names, professions and specialties, practising at
// sites placed on real communes in proportion to their population, written in
// the exact format of the published file with the rpps Writer.
//
// The output depends only on the Options: the same Seed gives the same bytes.
// Lines are streamed; only the sites are held in memory (about 40 bytes each).
package synth

import (
	"errors"
	"fmt"
	"io"

	"github.com/sas-platform/sas/services/directory/geo"
	"github.com/sas-platform/sas/services/directory/rpps"
)

// MaxProfessionals is the most professionals Generate accepts (identifiers stay
// unique up to there).
const MaxProfessionals = 50_000_000

// ErrOptions is returned for Options out of range.
var ErrOptions = errors.New("invalid options")

// Options says what to generate.
type Options struct {
	// Professionals is the number of professionals; each has 1 to 3 activities
	// (1.3 lines on average).
	Professionals int
	// Seed makes the output deterministic: the same Options give the same bytes.
	Seed int64
	// Sites is the number of practice sites to draw; 0 means Professionals*3/10
	// (400,000 professionals → 120,000 sites), at least 1.
	Sites int
}

// Stats counts what Generate wrote.
type Stats struct {
	Professionals int
	Lines         int // activity lines, header excluded
	Sites         int // distinct sites named by at least one line (at most Options.Sites)
}

// Generate writes a synthetic extraction to w: the header, then the activities
// of opts.Professionals professionals. communes places the sites; nil loads the
// embedded reference.
func Generate(w io.Writer, communes *geo.Communes, opts Options) (Stats, error) {
	opts, err := opts.normalize()
	if err != nil {
		return Stats{}, err
	}
	if communes == nil {
		if communes, err = geo.Load(); err != nil {
			return Stats{}, fmt.Errorf("load communes: %w", err)
		}
	}
	g, err := newGenerator(communes, opts)
	if err != nil {
		return Stats{}, err
	}
	return g.run(rpps.NewWriter(w), opts.Professionals)
}

// normalize checks the options and fills in the default number of sites.
func (o Options) normalize() (Options, error) {
	if o.Professionals < 0 || o.Professionals > MaxProfessionals {
		return o, fmt.Errorf("%w: professionals %d out of [0, %d]", ErrOptions, o.Professionals, MaxProfessionals)
	}
	if o.Sites < 0 || o.Sites > maxSites {
		return o, fmt.Errorf("%w: sites %d out of [0, %d]", ErrOptions, o.Sites, maxSites)
	}
	if o.Sites == 0 {
		o.Sites = max(1, o.Professionals*3/10)
	}
	return o, nil
}
