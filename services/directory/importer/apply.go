package importer

import (
	"context"
	"errors"
	"fmt"
	"hash/fnv"
	"io"

	"google.golang.org/protobuf/proto"

	directoryv1 "github.com/sas-platform/sas/gen/sas/directory/v1"
	"github.com/sas-platform/sas/services/directory/rpps"
	"github.com/sas-platform/sas/services/directory/store"
)

// write is what an import writes of a professional of the file.
type write uint8

const (
	add     write = iota // new: not in the store
	keep                 // unchanged
	replace              // changed, or back in the extraction
)

// plan is what an import must write, beside the professionals marked in the summary.
type plan struct {
	writes int          // professionals added or replaced
	vanish []string     // active professionals absent from the file
	codes  []store.Code // new or relabelled codes
}

func (im *Importer) plan(ctx context.Context, job *directoryv1.Import, sum *summary) (*plan, error) {
	p := &plan{}
	err := im.store.ProfessionalHashes(ctx, func(id string, old store.Stored) {
		k := keyOf(id)
		s, ok := sum.pros[k]
		switch {
		case !ok && old.Active:
			p.vanish = append(p.vanish, id)
		case !ok:
		case old.Hash != s.hash || !old.Active:
			job.ProfessionalsChanged++
			s.write = replace
		default:
			job.ProfessionalsUnchanged++
			s.write = keep
		}
		if ok {
			sum.pros[k] = s
		}
	})
	if err != nil {
		return nil, err
	}
	job.ProfessionalsAdded = int64(len(sum.pros)) - job.ProfessionalsChanged - job.ProfessionalsUnchanged
	job.ProfessionalsDeactivated = int64(len(p.vanish))
	p.writes = len(sum.pros) - int(job.ProfessionalsUnchanged)
	p.codes, err = im.newCodes(ctx, sum)
	return p, err
}

func (im *Importer) newCodes(ctx context.Context, sum *summary) ([]store.Code, error) {
	known := map[store.Code]bool{}
	for _, kind := range []string{store.KindProfession, store.KindSpecialty} {
		codes, err := im.store.Codes(ctx, kind)
		if err != nil {
			return nil, err
		}
		for _, c := range codes {
			known[c] = true
		}
	}
	var out []store.Code
	for c := range sum.codes {
		if !known[c] {
			out = append(out, c)
		}
	}
	return out, nil
}

// apply writes the plan in one transaction; with nothing to write it writes nothing.
func (im *Importer) apply(ctx context.Context, job *directoryv1.Import, file io.ReadSeeker, sum *summary, progress func(offset int64)) error {
	p, err := im.plan(ctx, job, sum)
	if err != nil || (p.writes == 0 && len(p.vanish) == 0 && len(p.codes) == 0) {
		return err
	}
	sites := map[uint64]uint64{}
	err = im.store.SiteHashes(ctx, func(name string, hash uint64) { sites[siteKey(name)] = hash })
	if err != nil {
		return err
	}
	tx, err := im.store.BeginApply(ctx)
	if err != nil {
		return err
	}
	if err := im.write(ctx, tx, file, sum, p, sites, progress); err != nil {
		tx.Rollback()
		return err
	}
	return tx.Commit()
}

func (im *Importer) write(ctx context.Context, tx *store.Apply, file io.ReadSeeker, sum *summary, p *plan, sites map[uint64]uint64, progress func(int64)) error {
	for _, c := range p.codes {
		if err := tx.PutCode(c); err != nil {
			return err
		}
	}
	if err := im.rebuild(ctx, tx, file, sum, p, sites, progress); err != nil {
		return err
	}
	for _, id := range p.vanish {
		if err := tx.Deactivate(id); err != nil {
			return err
		}
	}
	return nil
}

// rebuild reads the file again and writes each professional of the plan as
// soon as all its lines are read: a file grouped by professional, as the
// real extraction is, keeps almost nothing in memory.
func (im *Importer) rebuild(ctx context.Context, tx *store.Apply, file io.ReadSeeker, sum *summary, p *plan, sites map[uint64]uint64, progress func(int64)) error {
	if _, err := file.Seek(0, io.SeekStart); err != nil {
		return fmt.Errorf("rewind extraction: %w", err)
	}
	rd, err := rpps.NewReader(file)
	if err != nil {
		return err
	}
	pending := map[string][]*rpps.Activity{}
	for n := 1; ; n++ {
		if err := ctx.Err(); err != nil {
			return err
		}
		if n%progressEvery == 0 {
			progress(rd.Offset())
		}
		a, err := rd.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		var lineErr *rpps.LineError
		if errors.As(err, &lineErr) {
			continue
		}
		if err != nil {
			return fmt.Errorf("read extraction again: %w", err)
		}
		pro, ok := sum.pros[keyOf(a.NationalID)]
		if !ok || pro.write == keep || sum.dups[a.Line] {
			continue
		}
		acts := append(pending[a.NationalID], a)
		if len(acts) < int(pro.lines) {
			pending[a.NationalID] = acts
			continue
		}
		delete(pending, a.NationalID)
		if err := im.put(tx, acts, &pro, sites); err != nil {
			return err
		}
	}
	if len(pending) > 0 {
		return fmt.Errorf("the extraction changed while it was imported: %d professionals incomplete", len(pending))
	}
	return nil
}

func (im *Importer) put(tx *store.Apply, acts []*rpps.Activity, sum *proSummary, sites map[uint64]uint64) error {
	pro, proSites, rows := professional(acts, im.communes)
	for i, s := range proSites {
		doc, err := proto.MarshalOptions{Deterministic: true}.Marshal(s)
		if err != nil {
			return fmt.Errorf("encode %s: %w", s.Name, err)
		}
		h := fnv.New64a()
		h.Write(doc)
		k := siteKey(s.Name)
		if old, ok := sites[k]; ok && old == h.Sum64() {
			continue
		}
		if err := tx.PutSite(s, doc, h.Sum64(), rows[i].Departement, rows[i].Commune); err != nil {
			return err
		}
		sites[k] = h.Sum64()
	}
	return tx.PutProfessional(pro, sum.hash, rows, sum.write == replace)
}

// siteKey is the key of a site in the importer's map of stored sites: the
// hash of its name, a fixed size that the garbage collector need not scan. Two
// names of one key cost at most a site written again.
func siteKey(name string) uint64 { return fnvField(fnvOffset, name) }
