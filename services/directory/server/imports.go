package server

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strconv"
	"strings"
	"sync"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/timestamppb"

	directoryv1 "github.com/sas-platform/sas/gen/sas/directory/v1"
	"github.com/sas-platform/sas/services/directory/importer"
	"github.com/sas-platform/sas/services/directory/store"
	"github.com/sas-platform/sas/services/platform/apierr"
	"github.com/sas-platform/sas/services/platform/pagetoken"
)

// Imports implements directoryv1.ImportServiceServer: uploads land in a
// temporary file, then one import job at a time runs in the background.
type Imports struct {
	directoryv1.UnimplementedImportServiceServer
	store    *store.DB
	importer *importer.Importer
	pages    *pagetoken.Sealer
	log      *slog.Logger
	life     context.Context // jobs are cancelled when the service stops
	jobs     sync.WaitGroup
	mu       sync.Mutex
	running  string              // name of the running job, "" when none
	cancel   context.CancelFunc  // of the running job
	live     *directoryv1.Import // latest progress of the running job
}

// NewImports runs import jobs until life is done.
func NewImports(life context.Context, st *store.DB, imp *importer.Importer, pages *pagetoken.Sealer, log *slog.Logger) *Imports {
	return &Imports{store: st, importer: imp, pages: pages, log: log, life: life}
}

// Wait waits for the running job to record its end (after life is done, as cancelled).
func (s *Imports) Wait(context.Context) error {
	s.jobs.Wait()
	return nil
}

// UploadImport implements directoryv1.ImportServiceServer.
func (s *Imports) UploadImport(stream grpc.ClientStreamingServer[directoryv1.UploadImportRequest, directoryv1.Import]) error {
	ctx := stream.Context()
	first, err := stream.Recv()
	if err != nil {
		return err
	}
	job, err := newJob(first.GetHeader())
	if err != nil {
		return err
	}
	if err := s.claim(job.Name); err != nil {
		return err
	}
	file, err := s.receive(ctx, stream, job)
	if err != nil {
		s.release()
		return err
	}
	reply := proto.Clone(job).(*directoryv1.Import) // the job goes on changing in the background
	s.start(job, file)
	return stream.SendAndClose(reply)
}

func newJob(h *directoryv1.ImportHeader) (*directoryv1.Import, error) {
	switch {
	case h == nil:
		return nil, apierr.InvalidArgument(apierr.Violation{Field: "header", Description: "the first message must be the header"})
	case h.FileName == "" || len(h.FileName) > 255 || strings.ContainsAny(h.FileName, "/\\\x00"):
		return nil, apierr.InvalidArgument(apierr.Violation{Field: "header.file_name", Description: "want a file name of 1 to 255 characters, without a folder"})
	case h.MaxRejectionPercent < 0 || h.MaxRejectionPercent > 100:
		return nil, apierr.InvalidArgument(apierr.Violation{Field: "header.max_rejection_percent", Description: "want 0 to 100"})
	}
	max := h.MaxRejectionPercent
	if max == 0 {
		max = importer.DefaultMaxRejectionPercent
	}
	return &directoryv1.Import{Name: "imports/" + strings.ToLower(rand.Text()[:20]), FileName: h.FileName,
		State: directoryv1.Import_STATE_UPLOADING, TotalBytes: h.TotalBytes, MaxRejectionPercent: max,
		CreateTime: timestamppb.Now()}, nil
}

// claim reserves the single import slot.
func (s *Imports) claim(name string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.running != "" {
		return apierr.Reason(codes.FailedPrecondition, "IMPORT_RUNNING", s.running+" is running: wait for it or cancel it",
			map[string]string{"import": s.running})
	}
	s.running = name
	return nil
}

func (s *Imports) release() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.running, s.cancel, s.live = "", nil, nil
}

// report keeps the running job's progress, served by GetImport: the store
// may be busy with the import's own transaction.
func (s *Imports) report(job *directoryv1.Import) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.running == job.Name {
		s.live = job
	}
}

// liveJob returns the running job's latest progress, nil for another job.
func (s *Imports) liveJob(name string) *directoryv1.Import {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.running != name || s.live == nil {
		return nil
	}
	return proto.Clone(s.live).(*directoryv1.Import)
}

// receive stores the uploaded chunks in a temporary file.
func (s *Imports) receive(ctx context.Context, stream grpc.ClientStreamingServer[directoryv1.UploadImportRequest, directoryv1.Import], job *directoryv1.Import) (*os.File, error) {
	if err := s.store.CreateImport(ctx, job); err != nil {
		return nil, err
	}
	file, err := os.CreateTemp("", "sas-import-*.txt")
	if err != nil {
		return nil, s.fail(job, fmt.Errorf("temporary file: %w", err))
	}
	var size int64
	for {
		msg, err := stream.Recv()
		if errors.Is(err, io.EOF) {
			break
		}
		if err == nil && msg.GetChunk() == nil {
			err = apierr.InvalidArgument(apierr.Violation{Field: "chunk", Description: "only the first message may be a header"})
		}
		if err == nil {
			_, err = file.Write(msg.GetChunk())
		}
		if err != nil {
			file.Close()
			os.Remove(file.Name())
			return nil, s.fail(job, err)
		}
		size += int64(len(msg.GetChunk()))
	}
	job.TotalBytes, job.State = size, directoryv1.Import_STATE_RUNNING
	return file, s.store.SaveImport(ctx, job)
}

// fail records an upload that did not complete, and returns err.
func (s *Imports) fail(job *directoryv1.Import, err error) error {
	job.State, job.Error, job.EndTime = directoryv1.Import_STATE_FAILED, "upload interrupted: the directory is unchanged", timestamppb.Now()
	if serr := s.store.SaveImport(context.WithoutCancel(s.life), job); serr != nil {
		s.log.Error("record failed upload", "import", job.Name, "error", serr)
	}
	return err
}

// start runs the job in the background; it owns and removes file.
func (s *Imports) start(job *directoryv1.Import, file *os.File) {
	ctx, cancel := context.WithCancel(s.life)
	s.mu.Lock()
	s.cancel = cancel
	s.mu.Unlock()
	s.jobs.Add(1)
	go func() {
		defer s.jobs.Done()
		defer s.release()
		defer cancel()
		defer os.Remove(file.Name())
		defer file.Close()
		if err := s.importer.Run(ctx, job, file, s.report); err != nil {
			s.log.Error("record import outcome", "import", job.Name, "error", err)
		}
	}()
}

// GetImport implements directoryv1.ImportServiceServer.
func (s *Imports) GetImport(ctx context.Context, req *directoryv1.GetImportRequest) (*directoryv1.Import, error) {
	if err := checkName("name", req.GetName(), "imports/"); err != nil {
		return nil, err
	}
	if live := s.liveJob(req.GetName()); live != nil {
		return live, nil
	}
	im, err := s.store.GetImport(ctx, req.GetName())
	return im, notFound(req.GetName(), err)
}

// CancelImport implements directoryv1.ImportServiceServer.
func (s *Imports) CancelImport(ctx context.Context, req *directoryv1.CancelImportRequest) (*directoryv1.Import, error) {
	im, err := s.GetImport(ctx, &directoryv1.GetImportRequest{Name: req.GetName()})
	if err != nil {
		return nil, err
	}
	s.mu.Lock()
	if s.running == req.GetName() && s.cancel != nil {
		s.cancel()
		s.mu.Unlock()
		return im, nil
	}
	s.mu.Unlock()
	return nil, apierr.Reason(codes.FailedPrecondition, "IMPORT_NOT_RUNNING", req.GetName()+" is not running", nil)
}

// ListImports implements directoryv1.ImportServiceServer.
func (s *Imports) ListImports(ctx context.Context, req *directoryv1.ListImportsRequest) (*directoryv1.ListImportsResponse, error) {
	p, err := openPage(s.pages, req.GetPageSize(), req.GetPageToken(), "imports")
	if err != nil {
		return nil, err
	}
	list, err := s.store.ListImports(ctx, p.after, p.size+1)
	if err != nil {
		return nil, err
	}
	resp := &directoryv1.ListImportsResponse{}
	resp.Imports, resp.NextPageToken, err = cut(s.pages, list, p, (*directoryv1.Import).GetName, "imports")
	return resp, err
}

// ListImportRejections implements directoryv1.ImportServiceServer.
func (s *Imports) ListImportRejections(ctx context.Context, req *directoryv1.ListImportRejectionsRequest) (*directoryv1.ListImportRejectionsResponse, error) {
	if err := checkName("parent", req.GetParent(), "imports/"); err != nil {
		return nil, err
	}
	p, err := openPage(s.pages, req.GetPageSize(), req.GetPageToken(), req.GetParent())
	if err != nil {
		return nil, err
	}
	after, _ := strconv.ParseInt(p.after, 10, 64)
	list, err := s.store.ListRejections(ctx, req.GetParent(), after, p.size+1)
	if err != nil {
		return nil, err
	}
	resp := &directoryv1.ListImportRejectionsResponse{}
	resp.Rejections, resp.NextPageToken, err = cut(s.pages, list, p,
		func(r *directoryv1.ImportRejection) string { return strconv.FormatInt(r.Line, 10) }, req.GetParent())
	return resp, err
}
