package store

import (
	"context"
	"fmt"
	"strconv"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/jackc/pgx/v5/stdlib"
	"google.golang.org/protobuf/types/known/timestamppb"

	availabilityv1 "github.com/sas-platform/sas/gen/sas/availability/v1"
	commonv1 "github.com/sas-platform/sas/gen/sas/common/v1"
	"github.com/sas-platform/sas/services/platform/postgres"
	"github.com/sas-platform/sas/services/platform/postgres/pgtest"
)

// benchWorld is the benchmarks' synthetic directory and slots: pros
// professionals, four to a site, each pushed by one of four vendors. A
// professional's slots sit on a grid of 30-minute starts, 8:00 to 20:00,
// over the 14 days from base (tomorrow, 00:00 UTC).
type benchWorld struct {
	pros int
	base time.Time
}

const (
	benchDays   = 14
	benchPerDay = 24
	// benchGrid is how many slots a professional's grid holds.
	benchGrid = benchDays * benchPerDay
)

func newBenchWorld(pros int) benchWorld {
	return benchWorld{pros: pros, base: time.Now().UTC().Truncate(24 * time.Hour).Add(24 * time.Hour)}
}

// benchStore returns the store on a fresh PostgreSQL database and the pool
// under it; pgtest fails the benchmark when PostgreSQL is unreachable.
func benchStore(b *testing.B) (*DB, *pgxpool.Pool) {
	pool := pgtest.New(b, "availability", Migrations("postgres"))
	db := stdlib.OpenDBFromPool(pool)
	b.Cleanup(func() { db.Close() })
	return New(db, postgres.ClassifyError), pool
}

func (w benchWorld) nationalID(i int) string { return fmt.Sprintf("8%011d", 10_000_000+i) }

func (w benchWorld) vendor(i int) string { return "vendors/bench-" + strconv.Itoa(i%4) }

var benchCities = []string{"Nantes", "Saint-Nazaire", "Rezé", "La Roche-sur-Yon CEDEX"}

// site is the site where professional i practises.
func (w benchWorld) site(i int) Site {
	j := i / 4
	return Site{Name: "sites/bench-" + strconv.Itoa(j), Siret: fmt.Sprintf("%014d", 41_000_000_000_000+j),
		PostalCode: fmt.Sprintf("44%03d", j%1000), City: benchCities[j%len(benchCities)]}
}

// slot is the seq-th slot of professional i (seq < benchGrid): on day
// seq%14, at a start that turns with i so that starts spread over the day.
// Its place names the site by SIRET, as vendors do.
func (w benchWorld) slot(i, seq int, ext string) *availabilityv1.Slot {
	day, n := seq%benchDays, (seq/benchDays+i)%benchPerDay
	start := w.base.Add(time.Duration(day)*24*time.Hour + 8*time.Hour + time.Duration(n)*30*time.Minute)
	return &availabilityv1.Slot{
		ExternalId: ext, Professional: "professionals/" + w.nationalID(i),
		Place:     &availabilityv1.PracticePlace{OrganizationIdentifier: "3" + w.site(i).Siret},
		StartTime: timestamppb.New(start), EndTime: timestamppb.New(start.Add(30 * time.Minute)),
		Status: availabilityv1.Slot_STATUS_FREE, Visibility: commonv1.Visibility_VISIBILITY_SNP,
		ConsultationModes: []commonv1.ConsultationMode{commonv1.ConsultationMode_CONSULTATION_MODE_PRACTICE},
		Specialty:         "SM54", BookingUrl: "https://agenda.example.fr/rdv/" + w.nationalID(i),
	}
}

// seedDirectory writes with COPY the rows ApplyDirectory would write for
// w's professionals (active, not opted out, one site each) and sites.
func (w benchWorld) seedDirectory(ctx context.Context, conn *pgx.Conn) error {
	sites := (w.pros + 3) / 4
	_, err := conn.CopyFrom(ctx, pgx.Identifier{"dir_sites"}, []string{"name", "siret", "finess", "postal_code", "city"},
		pgx.CopyFromSlice(sites, func(j int) ([]any, error) {
			s := w.site(4 * j)
			return []any{s.Name, s.Siret, s.Finess, s.PostalCode, normalizeCity(s.City)}, nil
		}))
	if err != nil {
		return fmt.Errorf("copy sites: %w", err)
	}
	_, err = conn.CopyFrom(ctx, pgx.Identifier{"dir_professionals"}, []string{"national_id", "active", "opted_out", "sites"},
		pgx.CopyFromSlice(w.pros, func(i int) ([]any, error) {
			return []any{w.nationalID(i), true, false, w.site(i).Name}, nil
		}))
	if err != nil {
		return fmt.Errorf("copy professionals: %w", err)
	}
	_, err = conn.Exec(ctx, `INSERT INTO feeds (name, resume_token) VALUES ($1, 'bench')`, DirectoryFeed)
	return err
}
