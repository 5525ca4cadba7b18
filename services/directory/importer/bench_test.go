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
	communes, path, size, lines := extraction(b)
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
			b.SetBytes(size)
			b.ReportMetric(float64(lines)*float64(b.N)/b.Elapsed().Seconds(), "lines/s")
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
	if err := imp.Run(context.Background(), job, f, nil); err != nil {
		b.Fatal(err)
	}
	return job
}

// extraction writes the benchmark's synthetic extraction.
func extraction(b *testing.B) (*geo.Communes, string, int64, int) {
	communes, err := geo.Load()
	if err != nil {
		b.Fatal(err)
	}
	path := filepath.Join(b.TempDir(), "extraction.txt")
	f, err := os.Create(path)
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	w := bufio.NewWriter(f)
	stats, err := synth.Generate(w, communes, synth.Options{Professionals: benchProfessionals(b), Seed: 7})
	if err != nil || w.Flush() != nil {
		b.Fatal(err)
	}
	info, err := f.Stat()
	if err != nil {
		b.Fatal(err)
	}
	return communes, path, info.Size(), stats.Lines
}

// BenchmarkRawCopyPostgres is the floor the import is compared with: the
// same file copied as is into an unindexed one-column table.
func BenchmarkRawCopyPostgres(b *testing.B) {
	_, path, size, lines := extraction(b)
	for b.Loop() {
		b.StopTimer()
		pool := pgtest.New(b, "directory", nil)
		conn, err := pool.Acquire(context.Background())
		if err != nil {
			b.Fatal(err)
		}
		if _, err := conn.Exec(context.Background(), `CREATE UNLOGGED TABLE raw (line TEXT)`); err != nil {
			b.Fatal(err)
		}
		f, err := os.Open(path)
		if err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		_, err = conn.Conn().PgConn().CopyFrom(context.Background(), f,
			`COPY raw (line) FROM STDIN WITH (FORMAT csv, DELIMITER E'\x01', QUOTE E'\x02')`)
		b.StopTimer()
		f.Close()
		conn.Release()
		if err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
	}
	b.SetBytes(size)
	b.ReportMetric(float64(lines)*float64(b.N)/b.Elapsed().Seconds(), "lines/s")
}
