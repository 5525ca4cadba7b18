package importer

import (
	"bufio"
	"context"
	"crypto/rand"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5/stdlib"
	"google.golang.org/protobuf/types/known/timestamppb"

	directoryv1 "github.com/sas-platform/sas/gen/sas/directory/v1"
	"github.com/sas-platform/sas/services/directory/geo"
	"github.com/sas-platform/sas/services/directory/store"
	"github.com/sas-platform/sas/services/directory/synth"
	"github.com/sas-platform/sas/services/platform/postgres"
	"github.com/sas-platform/sas/services/platform/postgres/pgtest"
)

// benchProfessionals is the size of the benchmark's extraction:
// SAS_BENCH_PROFESSIONALS, default 20,000 (1,540,000 make 2,000,000 lines).
func benchProfessionals(b *testing.B) int {
	n, err := strconv.Atoi(os.Getenv("SAS_BENCH_PROFESSIONALS"))
	if err != nil || n <= 0 {
		return 20_000
	}
	return n
}

// BenchmarkImportPostgres imports a synthetic extraction into an empty
// PostgreSQL directory (full), then the same file again (nothing to write).
func BenchmarkImportPostgres(b *testing.B) {
	communes, err := geo.Load()
	if err != nil {
		b.Fatal(err)
	}
	path := filepath.Join(b.TempDir(), "extraction.txt")
	f, err := os.Create(path)
	if err != nil {
		b.Fatal(err)
	}
	w := bufio.NewWriter(f)
	stats, err := synth.Generate(w, communes, synth.Options{Professionals: benchProfessionals(b), Seed: 7})
	if err != nil || w.Flush() != nil {
		b.Fatal(err)
	}
	info, _ := f.Stat()
	f.Close()
	for _, pass := range []string{"full", "same file"} {
		b.Run(pass, func(b *testing.B) {
			for b.Loop() {
				b.StopTimer()
				db := stdlib.OpenDBFromPool(pgtest.New(b, "directory", store.Migrations("postgres")))
				st := store.New(db, postgres.ClassifyError)
				imp := New(st, communes, slog.New(slog.NewTextHandler(io.Discard, nil)))
				if pass == "same file" {
					runFile(b, st, imp, path)
				}
				b.StartTimer()
				job := runFile(b, st, imp, path)
				if job.State != directoryv1.Import_STATE_SUCCEEDED {
					b.Fatalf("import: %v", job)
				}
			}
			b.SetBytes(info.Size())
			b.ReportMetric(float64(stats.Lines)*float64(b.N)/b.Elapsed().Seconds(), "lines/s")
		})
	}
}

func runFile(b *testing.B, st *store.DB, imp *Importer, path string) *directoryv1.Import {
	f, err := os.Open(path)
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	job := &directoryv1.Import{Name: "imports/" + strings.ToLower(rand.Text()), FileName: "bench.txt",
		State: directoryv1.Import_STATE_RUNNING, MaxRejectionPercent: 1, CreateTime: timestamppb.Now()}
	if err := st.CreateImport(context.Background(), job); err != nil {
		b.Fatal(err)
	}
	if err := imp.Run(context.Background(), job, f); err != nil {
		b.Fatal(err)
	}
	return job
}
