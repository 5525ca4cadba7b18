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

// plan is what an import must write.
type plan struct {
	write  map[string]int  // national id → its number of lines, for added and changed professionals
	stored map[string]bool // national ids already in the store
	vanish []string        // active professionals absent from the file
	codes  []store.Code    // new or relabelled codes
}

func (im *Importer) plan(ctx context.Context, job *directoryv1.Import, sum *summary) (*plan, error) {
	stored, err := im.store.ProfessionalHashes(ctx)
	if err != nil {
		return nil, err
	}
	p := &plan{write: map[string]int{}, stored: map[string]bool{}}
	for id, s := range sum.pros {
		old, ok := stored[id]
		switch {
		case !ok:
			job.ProfessionalsAdded++
		case old.Hash != s.hash || !old.Active:
			job.ProfessionalsChanged++
			p.stored[id] = true
		default:
			job.ProfessionalsUnchanged++
			continue
		}
		p.write[id] = s.lines
	}
	for id, s := range stored {
		if _, ok := sum.pros[id]; !ok && s.Active {
			p.vanish = append(p.vanish, id)
		}
	}
	job.ProfessionalsDeactivated = int64(len(p.vanish))
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
	if err != nil || (len(p.write) == 0 && len(p.vanish) == 0 && len(p.codes) == 0) {
		return err
	}
	sites, err := im.store.SiteHashes(ctx)
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

func (im *Importer) write(ctx context.Context, tx *store.Apply, file io.ReadSeeker, sum *summary, p *plan, sites map[string]uint64, progress func(int64)) error {
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
func (im *Importer) rebuild(ctx context.Context, tx *store.Apply, file io.ReadSeeker, sum *summary, p *plan, sites map[string]uint64, progress func(int64)) error {
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
		want, ok := p.write[a.NationalID]
		if !ok || !sum.isFirst(a) {
			continue
		}
		pending[a.NationalID] = append(pending[a.NationalID], a)
		if len(pending[a.NationalID]) == want {
			if err := im.put(tx, pending[a.NationalID], sum, sites, p.stored[a.NationalID]); err != nil {
				return err
			}
			delete(pending, a.NationalID)
		}
	}
	if len(pending) > 0 {
		return fmt.Errorf("the extraction changed while it was imported: %d professionals incomplete", len(pending))
	}
	return nil
}

func (im *Importer) put(tx *store.Apply, acts []*rpps.Activity, sum *summary, sites map[string]uint64, replace bool) error {
	pro, proSites, rows := professional(acts, im.communes)
	for i, s := range proSites {
		h, err := siteHash(s)
		if err != nil {
			return err
		}
		if old, ok := sites[s.Name]; ok && old == h {
			continue
		}
		if err := tx.PutSite(s, h, rows[i].Departement, rows[i].Commune); err != nil {
			return err
		}
		sites[s.Name] = h
	}
	return tx.PutProfessional(pro, sum.pros[pro.NationalId].hash, rows, replace)
}

func siteHash(s *directoryv1.Site) (uint64, error) {
	b, err := proto.MarshalOptions{Deterministic: true}.Marshal(s)
	if err != nil {
		return 0, fmt.Errorf("encode %s: %w", s.Name, err)
	}
	h := fnv.New64a()
	h.Write(b)
	return h.Sum64(), nil
}
