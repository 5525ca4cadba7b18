// Package importer makes the stored directory equal to an RPPS/ADELI
// extraction, writing only what differs, in one transaction: a first pass
// validates and hashes every professional in bounded memory; if the file is
// acceptable, a second pass rebuilds only the added and changed
// professionals, and those absent from the file are deactivated.
package importer

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"

	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/timestamppb"

	directoryv1 "github.com/sas-platform/sas/gen/sas/directory/v1"
	"github.com/sas-platform/sas/services/directory/geo"
	"github.com/sas-platform/sas/services/directory/rpps"
	"github.com/sas-platform/sas/services/directory/store"
)

// DefaultMaxRejectionPercent is the rejection rate above which a file is refused whole.
const DefaultMaxRejectionPercent = 1.0

// Importer runs import jobs against a store.
type Importer struct {
	store    *store.DB
	communes *geo.Communes
	log      *slog.Logger
}

// New returns an importer.
func New(st *store.DB, communes *geo.Communes, log *slog.Logger) *Importer {
	return &Importer{store: st, communes: communes, log: log}
}

// Progress receives a copy of the job as it advances. A first import (into
// an empty directory on PostgreSQL) reads the file once; others read it
// twice (check, then write), each read counting for half of processed_bytes.
type Progress func(*directoryv1.Import)

// progressEvery is how many lines pass between two progress reports.
const progressEvery = 50_000

// Run imports file into the directory as job (already created, state
// RUNNING), reporting progress (may be nil) and saving its counts and final
// state. It returns an error only when it could not record the outcome.
func (im *Importer) Run(ctx context.Context, job *directoryv1.Import, file io.ReadSeeker, progress Progress) error {
	report := func() {
		record(ctx, job)
		if progress != nil {
			progress(proto.Clone(job).(*directoryv1.Import))
		}
	}
	outcome := im.run(ctx, job, file, report)
	job.EndTime = timestamppb.Now()
	var refused *refusal
	switch {
	case outcome == nil:
		job.State, job.ProcessedBytes = directoryv1.Import_STATE_SUCCEEDED, job.TotalBytes
	case errors.As(outcome, &refused):
		job.State, job.Error = directoryv1.Import_STATE_REFUSED, refused.Error()
	case ctx.Err() != nil:
		job.State, job.Error = directoryv1.Import_STATE_CANCELLED, "cancelled: the directory is unchanged"
	default:
		job.State, job.Error = directoryv1.Import_STATE_FAILED, "internal error: the directory is unchanged; run the import again"
		im.log.ErrorContext(ctx, "import failed", "import", job.Name, "error", outcome)
	}
	record(ctx, job)
	return im.store.SaveImport(context.WithoutCancel(ctx), job)
}

// refusal is a file refused whole.
type refusal struct{ reason string }

func (r *refusal) Error() string { return r.reason + ": the directory is unchanged" }

func (im *Importer) run(ctx context.Context, job *directoryv1.Import, file io.ReadSeeker, report func()) error {
	if _, err := file.Seek(0, io.SeekStart); err != nil {
		return fmt.Errorf("rewind extraction: %w", err)
	}
	tx, err := im.store.BeginLoad(ctx)
	if err != nil {
		return err
	}
	if tx != nil {
		err := im.load(ctx, job, file, tx, report)
		if !errors.Is(err, errUngrouped) {
			return headerRefusal(err)
		}
		im.log.InfoContext(ctx, "import read twice", "import", job.Name, "reason", err)
		if _, err := file.Seek(0, io.SeekStart); err != nil {
			return fmt.Errorf("rewind extraction: %w", err)
		}
	}
	sum, err := scan(file, func(offset, lines int64) {
		job.ProcessedBytes, job.LinesRead = offset/2, lines
		report()
	})
	if err != nil {
		return headerRefusal(err)
	}
	job.LinesRead, job.LinesRejected, job.ProcessedBytes = sum.read, sum.rejected, job.TotalBytes/2
	if err := im.store.AddRejections(ctx, job.Name, sum.rejections); err != nil {
		return err
	}
	if err := checkRate(sum, job.MaxRejectionPercent); err != nil {
		return err
	}
	return im.apply(ctx, job, file, sum, func(offset int64) {
		job.ProcessedBytes = job.TotalBytes/2 + offset/2
		report()
	})
}

// headerRefusal makes a file refused whole of a header error.
func headerRefusal(err error) error {
	var headerErr *rpps.HeaderError
	if errors.As(err, &headerErr) {
		return &refusal{headerErr.Error()}
	}
	return err
}

func checkRate(sum *summary, maxPercent float64) error {
	if sum.read == 0 {
		return &refusal{"the file has no line"}
	}
	rate := 100 * float64(sum.rejected) / float64(sum.read)
	if rate > maxPercent {
		return &refusal{fmt.Sprintf("%d of %d lines rejected (%.2f%%), above the %.2f%% threshold", sum.rejected, sum.read, rate, maxPercent)}
	}
	return nil
}
