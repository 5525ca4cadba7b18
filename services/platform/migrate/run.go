package migrate

import (
	"context"
	"fmt"
	"io/fs"
)

// Engine applies migrations to one database.
type Engine interface {
	// Init creates the schema_migrations table if it is missing.
	Init(ctx context.Context) error
	// Applied returns the versions already recorded.
	Applied(ctx context.Context) (map[int]bool, error)
	// Apply runs m and records it in one transaction. It does nothing if
	// another process recorded m.Version in the meantime.
	Apply(ctx context.Context, m Migration) error
}

// Run applies, in version order, every migration of fsys that e has not
// recorded yet. It stops at the first failure; migrations applied before
// it stay applied.
func Run(ctx context.Context, e Engine, fsys fs.FS) error {
	ms, err := Files(fsys)
	if err != nil || len(ms) == 0 {
		return err
	}
	if err := e.Init(ctx); err != nil {
		return fmt.Errorf("init %s: %w", Table, err)
	}
	applied, err := e.Applied(ctx)
	if err != nil {
		return fmt.Errorf("read %s: %w", Table, err)
	}
	for _, m := range ms {
		if applied[m.Version] {
			continue
		}
		if err := e.Apply(ctx, m); err != nil {
			return fmt.Errorf("apply %s: %w", m.Name, err)
		}
	}
	return nil
}
