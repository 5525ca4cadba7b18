package cachetest

import (
	"testing"

	"github.com/sas-platform/sas/services/platform/cache"
)

func testTagsInvalidateOnlyTheirKeys(t *testing.T, c cache.Cache) {
	set(t, c, "a", "1", "cell:1")
	set(t, c, "b", "2", "cell:1")
	set(t, c, "c", "3", "cell:2")
	set(t, c, "d", "4")
	wantInvalidated(t, c, 2, "cell:1")
	wantMisses(t, c, "a", "b")
	wantHit(t, c, "c", "3")
	wantHit(t, c, "d", "4")
	wantInvalidated(t, c, 0, "cell:1")
	wantInvalidated(t, c, 0, "cell:unknown")
	wantInvalidated(t, c, 0)
}

func testKeyUnderTwoTags(t *testing.T, c cache.Cache) {
	set(t, c, "both", "1", "cell:1", "cell:2")
	set(t, c, "two", "2", "cell:2")
	wantInvalidated(t, c, 1, "cell:1")
	wantMisses(t, c, "both")
	wantHit(t, c, "two", "2")
	wantInvalidated(t, c, 1, "cell:2")
	wantMisses(t, c, "two")

	set(t, c, "both", "1", "cell:1", "cell:2")
	wantInvalidated(t, c, 1, "cell:1", "cell:2")
	wantMisses(t, c, "both")
}
