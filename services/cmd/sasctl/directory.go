package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	directoryv1 "github.com/sas-platform/sas/gen/sas/directory/v1"
	"github.com/sas-platform/sas/services/directory/synth"
)

// chunkSize is the size of the upload messages (the API allows 4 MiB).
const chunkSize = 1 << 20

// importFile uploads an extraction and follows the import job to its end.
func importFile(ctx context.Context, addr string, args []string, getenv func(string) string, out io.Writer) error {
	fs := flag.NewFlagSet("directory import", flag.ContinueOnError)
	maxPercent := fs.Float64("max-rejection-percent", 0, "refuse the file above this rate of rejected lines (default 1)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return errors.New("directory import: want one FILE")
	}
	conn, err := dial(addr, getenv)
	if err != nil {
		return err
	}
	defer conn.Close()
	client := directoryv1.NewImportServiceClient(conn)
	job, err := send(ctx, client, fs.Arg(0), *maxPercent)
	if err != nil {
		return err
	}
	return follow(ctx, client, job, out)
}

func send(ctx context.Context, client directoryv1.ImportServiceClient, path string, maxPercent float64) (*directoryv1.Import, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil {
		return nil, err
	}
	stream, err := client.UploadImport(ctx)
	if err != nil {
		return nil, err
	}
	header := &directoryv1.ImportHeader{FileName: filepath.Base(path), TotalBytes: info.Size(), MaxRejectionPercent: maxPercent}
	if err := stream.Send(&directoryv1.UploadImportRequest{Part: &directoryv1.UploadImportRequest_Header{Header: header}}); err != nil {
		return nil, err
	}
	buf := make([]byte, chunkSize)
	for {
		n, err := f.Read(buf)
		if n > 0 {
			if err := stream.Send(&directoryv1.UploadImportRequest{Part: &directoryv1.UploadImportRequest_Chunk{Chunk: buf[:n]}}); err != nil {
				_, err = stream.CloseAndRecv() // the server's reason
				return nil, err
			}
		}
		if errors.Is(err, io.EOF) {
			return stream.CloseAndRecv()
		}
		if err != nil {
			return nil, err
		}
	}
}

// follow prints the job's progress every second until it ends.
func follow(ctx context.Context, client directoryv1.ImportServiceClient, job *directoryv1.Import, out io.Writer) error {
	tick := time.NewTicker(time.Second)
	defer tick.Stop()
	for job.State == directoryv1.Import_STATE_UPLOADING || job.State == directoryv1.Import_STATE_RUNNING {
		fmt.Fprintf(out, "%s: %s, %d lines read, %.0f%%\n", job.Name, job.State, job.LinesRead, percent(job))
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-tick.C:
		}
		var err error
		if job, err = client.GetImport(ctx, &directoryv1.GetImportRequest{Name: job.Name}); err != nil {
			return err
		}
	}
	fmt.Fprintf(out, "%s: %s %s\n  lines read %d, rejected %d; professionals added %d, changed %d, deactivated %d, unchanged %d\n",
		job.Name, job.State, job.Error, job.LinesRead, job.LinesRejected, job.ProfessionalsAdded, job.ProfessionalsChanged,
		job.ProfessionalsDeactivated, job.ProfessionalsUnchanged)
	if job.State != directoryv1.Import_STATE_SUCCEEDED {
		return fmt.Errorf("import %s", job.State)
	}
	return nil
}

func percent(job *directoryv1.Import) float64 {
	if job.TotalBytes == 0 {
		return 0
	}
	return 100 * float64(job.ProcessedBytes) / float64(job.TotalBytes)
}

// generate writes a synthetic extraction.
func generate(args []string, out io.Writer) error {
	if len(args) == 0 || args[0] != "directory" {
		return errors.New("gen: want `gen directory -professionals N`")
	}
	fs := flag.NewFlagSet("gen directory", flag.ContinueOnError)
	n := fs.Int("professionals", 1000, "number of professionals")
	seed := fs.Int64("seed", 1, "random seed: the same seed writes the same file")
	path := fs.String("o", "", "output file (default standard output)")
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	w := out
	if *path != "" {
		f, err := os.Create(*path)
		if err != nil {
			return err
		}
		defer f.Close()
		w = f
	}
	bw := bufio.NewWriterSize(w, 1<<20)
	stats, err := synth.Generate(bw, nil, synth.Options{Professionals: *n, Seed: *seed})
	if err != nil {
		return err
	}
	if err := bw.Flush(); err != nil {
		return err
	}
	if *path != "" {
		fmt.Fprintf(out, "wrote %s: %d professionals, %d lines, %d sites\n", *path, stats.Professionals, stats.Lines, stats.Sites)
	}
	return nil
}
