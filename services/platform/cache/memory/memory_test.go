package memory_test

import (
	"testing"

	"go.uber.org/goleak"

	"github.com/sas-platform/sas/services/platform/cache"
	"github.com/sas-platform/sas/services/platform/cache/cachetest"
	"github.com/sas-platform/sas/services/platform/cache/memory"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

func TestConformance(t *testing.T) {
	cachetest.Run(t, func(t *testing.T) cache.Cache {
		c := memory.New(100)
		t.Cleanup(func() { c.Close() })
		return c
	})
}
