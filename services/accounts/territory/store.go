package territory

import (
	"context"

	commonv1 "github.com/sas-platform/sas/gen/sas/common/v1"
)

// Store keeps the reference. Absent territories are store.ErrNotFound, a
// taken name store.ErrAlreadyExists, a stale etag store.ErrConflict.
type Store interface {
	// SeedReference writes régions and départements, and adds the shipped
	// territories that are missing; territories edited by admins are kept.
	SeedReference(ctx context.Context, ref *Reference) error
	// Regions returns every région, by code.
	Regions(ctx context.Context) ([]*commonv1.Region, error)
	// Departements returns every département, by code.
	Departements(ctx context.Context) ([]*commonv1.Departement, error)
	// ListTerritories returns territories matching q, by name.
	ListTerritories(ctx context.Context, q Query) ([]*commonv1.Territory, error)
	// GetTerritory returns one territory by resource name.
	GetTerritory(ctx context.Context, name string) (*commonv1.Territory, error)
	// CreateTerritory adds a territory and sets its etag and update time.
	CreateTerritory(ctx context.Context, t *commonv1.Territory) error
	// UpdateTerritory replaces a territory whose current etag is etag, and
	// sets its new etag and update time.
	UpdateTerritory(ctx context.Context, t *commonv1.Territory, etag string) error
}

// Query selects territories: a page after a name, with optional filters.
type Query struct {
	After       string // resource name to start after; "" from the first
	Limit       int
	Region      string // "regions/52"
	Departement string // "departements/44"
	Active      *bool
}
