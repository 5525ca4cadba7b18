package directory

import (
	"context"
	"crypto/rand"
	"fmt"
	"os"
	"strings"

	"google.golang.org/protobuf/types/known/timestamppb"

	directoryv1 "github.com/sas-platform/sas/gen/sas/directory/v1"
	"github.com/sas-platform/sas/services/directory/geo"
	"github.com/sas-platform/sas/services/directory/importer"
	"github.com/sas-platform/sas/services/directory/store"
	"github.com/sas-platform/sas/services/directory/synth"
)

// loadDemo imports a synthetic extraction of n professionals into an empty
// directory, as an ordinary import job, so that a demo has data to show.
func loadDemo(ctx context.Context, st *store.DB, imp *importer.Importer, communes *geo.Communes, n int) error {
	if n <= 0 {
		return nil
	}
	if existing, err := st.ListProfessionals(ctx, store.ProfessionalQuery{Limit: 1}); err != nil || len(existing) > 0 {
		return err
	}
	file, err := os.CreateTemp("", "sas-demo-*.txt")
	if err != nil {
		return fmt.Errorf("demo directory: %w", err)
	}
	defer os.Remove(file.Name())
	defer file.Close()
	if _, err := synth.Generate(file, communes, synth.Options{Professionals: n, Seed: 1}); err != nil {
		return fmt.Errorf("demo directory: %w", err)
	}
	size, _ := file.Seek(0, 1)
	job := &directoryv1.Import{Name: "imports/demo-" + strings.ToLower(rand.Text()[:12]), FileName: "PS_LibreAcces_Personne_activite_demo.txt",
		State: directoryv1.Import_STATE_RUNNING, TotalBytes: size, MaxRejectionPercent: importer.DefaultMaxRejectionPercent,
		CreateTime: timestamppb.Now()}
	if err := st.CreateImport(ctx, job); err != nil {
		return err
	}
	if err := imp.Run(ctx, job, file, nil); err != nil {
		return err
	}
	if job.State != directoryv1.Import_STATE_SUCCEEDED {
		return fmt.Errorf("demo directory: import %s: %s", job.State, job.Error)
	}
	return nil
}
