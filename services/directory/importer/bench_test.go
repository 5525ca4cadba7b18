package importer

import (
	"bufio"
	"context"
	"crypto/rand"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
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
// PostgreSQL directory (full), then over it the same file again (nothing to
// write) and the file with 1% of its lines changed.
func BenchmarkImportPostgres(b *testing.B) {
	communes, path, size, lines := extraction(b)
	changed := changeLines(b, path, 100)
	for _, pass := range []struct{ name, second string }{{"full", ""}, {"same file", path}, {"1% changed", changed}} {
		b.Run(pass.name, func(b *testing.B) {
			var written int64
			for b.Loop() {
				b.StopTimer()
				db := stdlib.OpenDBFromPool(pgtest.New(b, "directory", store.Migrations("postgres")))
				st := store.New(db, postgres.ClassifyError)
				imp := New(st, communes, slog.New(slog.NewTextHandler(io.Discard, nil)))
				file := path
				if pass.second != "" {
					runFile(b, st, imp, path)
					file = pass.second
				}
				b.StartTimer()
				job := runFile(b, st, imp, file)
				if job.State != directoryv1.Import_STATE_SUCCEEDED {
					b.Fatalf("import: %v", job)
				}
				written = job.ProfessionalsAdded + job.ProfessionalsChanged
			}
			b.ReportMetric(float64(written), "professionals-written")
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

// changeLines writes a copy of an extraction where one line of every n has
// another phone number, and returns its path.
func changeLines(b *testing.B, path string, n int) string {
	in, err := os.Open(path)
	if err != nil {
		b.Fatal(err)
	}
	defer in.Close()
	changed := filepath.Join(b.TempDir(), "changed.txt")
	out, err := os.Create(changed)
	if err != nil {
		b.Fatal(err)
	}
	defer out.Close()
	sc, w := bufio.NewScanner(in), bufio.NewWriter(out)
	sc.Buffer(nil, 1<<20)
	phone := -1
	for i := 0; sc.Scan(); i++ {
		fields := strings.Split(sc.Text(), "|")
		if i == 0 {
			phone = slices.Index(fields, "Téléphone (coord. structure)")
		} else if i%n == 0 {
			fields[phone] = fmt.Sprintf("01%08d", i)
		}
		w.WriteString(strings.Join(fields, "|") + "\n")
	}
	if sc.Err() != nil || phone < 0 || w.Flush() != nil {
		b.Fatalf("change lines of %s: %v", path, sc.Err())
	}
	return changed
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
