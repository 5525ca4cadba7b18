package importer

import (
	"context"
	"errors"
	"fmt"
	"io"

	directoryv1 "github.com/sas-platform/sas/gen/sas/directory/v1"
	"github.com/sas-platform/sas/services/directory/rpps"
	"github.com/sas-platform/sas/services/directory/store"
)

// errUngrouped stops a one-pass load: a professional's lines are not consecutive.
var errUngrouped = errors.New("the lines of a professional are not consecutive")

// load imports a file into an empty directory in one pass: tx loads fresh
// tables, invisible until it commits, so each professional is written as
// soon as its lines are read (they are consecutive in the real extraction),
// and a file refused at its end is dropped whole. It returns errUngrouped,
// the directory unchanged, for a file whose lines are not grouped by
// professional: the two-pass import takes it.
func (im *Importer) load(ctx context.Context, job *directoryv1.Import, file io.Reader, tx *store.Apply, report func()) error {
	sum, err := im.loadLines(ctx, job, file, tx, report)
	if err != nil {
		tx.Rollback()
		return err
	}
	job.LinesRead, job.LinesRejected = sum.read, sum.rejected
	job.ProfessionalsAdded = int64(len(sum.pros))
	err = im.store.AddRejections(ctx, job.Name, sum.rejections)
	if err == nil {
		err = checkRate(sum, job.MaxRejectionPercent)
	}
	if err == nil {
		err = im.putCodes(ctx, tx, sum)
	}
	if err != nil {
		tx.Rollback()
		return err
	}
	return tx.Commit()
}

// group is the lines of one professional, with its summary.
type group struct {
	acts []*rpps.Activity
	pro  proSummary
}

// loadLines reads the file and hands each professional, once its lines are
// read, to a goroutine that builds and writes it: reading and building share
// the machine's cores.
func (im *Importer) loadLines(ctx context.Context, job *directoryv1.Import, file io.Reader, tx *store.Apply, report func()) (*summary, error) {
	rd, err := rpps.NewReader(file)
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	groups, built := make(chan group, 256), make(chan error, 1)
	go func() {
		err := im.build(tx, groups)
		cancel(err)
		built <- err
	}()
	sum, err := readGroups(ctx, job, rd, groups, report)
	close(groups)
	if buildErr := <-built; buildErr != nil {
		return nil, buildErr
	}
	return sum, err
}

// build writes the professionals of groups; after an error it drains the rest.
func (im *Importer) build(tx *store.Apply, groups <-chan group) error {
	sites := map[uint64]uint64{}
	var err error
	for g := range groups {
		if err == nil {
			err = im.put(tx, g.acts, &g.pro, sites)
		}
	}
	return err
}

// readGroups reads the file into a summary, sending each professional to
// groups once its lines are read.
func readGroups(ctx context.Context, job *directoryv1.Import, rd *rpps.Reader, groups chan<- group, report func()) (*summary, error) {
	sum := newSummary()
	var acts []*rpps.Activity // the lines of the professional being read
	send := func() {
		if len(acts) > 0 {
			groups <- group{acts, sum.pros[keyOf(acts[0].NationalID)]}
			acts = nil
		}
	}
	for {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		a, err := sum.next(rd)
		if errors.Is(err, io.EOF) {
			send()
			sum.firstLine = nil
			return sum, nil
		}
		if err != nil {
			return nil, err
		}
		if sum.read%progressEvery == 0 {
			job.ProcessedBytes, job.LinesRead = rd.Offset(), sum.read
			report()
		}
		if a == nil {
			continue
		}
		if len(acts) > 0 && acts[0].NationalID != a.NationalID {
			send()
		}
		if len(acts) == 0 && sum.pros[keyOf(a.NationalID)].lines > 1 {
			return nil, fmt.Errorf("line %d: %w", a.Line, errUngrouped)
		}
		acts = append(acts, a)
	}
}

// putCodes writes the codes of the file that are new or relabelled.
func (im *Importer) putCodes(ctx context.Context, tx *store.Apply, sum *summary) error {
	codes, err := im.newCodes(ctx, sum)
	if err != nil {
		return err
	}
	for _, c := range codes {
		if err := tx.PutCode(c); err != nil {
			return err
		}
	}
	return nil
}
