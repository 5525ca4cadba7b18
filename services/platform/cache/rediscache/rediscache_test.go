package rediscache

import (
	"context"
	"crypto/rand"
	"fmt"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"go.opentelemetry.io/otel"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
	"go.uber.org/goleak"

	"github.com/sas-platform/sas/services/platform/cache"
	"github.com/sas-platform/sas/services/platform/cache/cachetest"
)

const startHint = `start it with: redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" ` +
	`--appendonly no --dir /var/lib/redis --logfile /var/log/redis/ci.log`

// TestMain checks for leaked goroutines. go-redis starts tryDial after
// PoolSize failed dials (the dead-server tests) and it only notices Close
// after its one-second sleep, so it is ignored. go-redis logs every failed
// dial: the dead-server tests would flood the output, so logs are dropped.
func TestMain(m *testing.M) {
	redis.SetLogger(discard{})
	goleak.VerifyTestMain(m,
		goleak.IgnoreAnyFunction("github.com/redis/go-redis/v9/internal/pool.(*ConnPool).tryDial"))
}

// discard is a go-redis logger that drops everything.
type discard struct{}

func (discard) Printf(context.Context, string, ...any) {}

// testURL returns $SAS_TEST_REDIS_URL or the local default.
func testURL() string {
	if u := os.Getenv("SAS_TEST_REDIS_URL"); u != "" {
		return u
	}
	return "redis://127.0.0.1:6379/0"
}

// newTestCache returns a cache under a fresh prefix whose keys are deleted
// when t ends.
func newTestCache(t testing.TB) *Cache {
	t.Helper()
	prefix := "sastest:" + rand.Text()[:12] + ":"
	c, err := New(context.Background(), Config{URL: testURL(), Prefix: prefix})
	if err != nil {
		t.Fatalf("Redis unreachable at %s (set SAS_TEST_REDIS_URL to use another): %v\n%s", testURL(), err, startHint)
	}
	t.Cleanup(func() {
		c.Close()
		deletePrefix(t, prefix)
	})
	return c
}

// deletePrefix deletes every key under prefix with a client of its own.
func deletePrefix(t testing.TB, prefix string) {
	opts, err := redis.ParseURL(testURL())
	if err != nil {
		t.Fatal(err)
	}
	client := redis.NewClient(opts)
	defer client.Close()
	ctx := context.Background()
	iter := client.Scan(ctx, 0, prefix+"*", 100).Iterator()
	for iter.Next(ctx) {
		if err := client.Del(ctx, iter.Val()).Err(); err != nil {
			t.Errorf("cleanup %s: %v", iter.Val(), err)
		}
	}
	if err := iter.Err(); err != nil {
		t.Errorf("cleanup scan: %v", err)
	}
}

func TestConformance(t *testing.T) {
	cachetest.Run(t, func(t *testing.T) cache.Cache { return newTestCache(t) })
}

func TestTagSetOutlivesItsKeys(t *testing.T) {
	ctx := context.Background()
	c := newTestCache(t)
	for _, ttl := range []time.Duration{time.Minute, 3 * time.Minute, 2 * time.Minute} {
		if err := c.Set(ctx, ttl.String(), []byte("v"), ttl, "cell"); err != nil {
			t.Fatal(err)
		}
	}
	got, err := c.client.PTTL(ctx, c.tagKey("cell")).Result()
	if err != nil || got <= 2*time.Minute || got > 3*time.Minute {
		t.Fatalf("tag set PTTL = %v, %v; want the longest member TTL, 3m", got, err)
	}
}

func TestKeysUnderPrefix(t *testing.T) {
	ctx := context.Background()
	c := newTestCache(t)
	if err := c.Set(ctx, "k", []byte("v"), time.Minute, "cell"); err != nil {
		t.Fatal(err)
	}
	if _, ok, err := c.Lock(ctx, "k", time.Minute); !ok || err != nil {
		t.Fatalf("Lock = %v, %v", ok, err)
	}
	keys, err := c.client.Keys(ctx, c.prefix+"*").Result()
	if err != nil || len(keys) != 3 {
		t.Fatalf("keys under %s = %v, %v; want value, tag set and lock", c.prefix, keys, err)
	}
}

// TestSpansCarryNoValue checks that the traces of the cache name its
// commands without copying what is cached (search answers) into them.
func TestSpansCarryNoValue(t *testing.T) {
	rec := tracetest.NewSpanRecorder()
	prev := otel.GetTracerProvider()
	otel.SetTracerProvider(sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(rec)))
	t.Cleanup(func() { otel.SetTracerProvider(prev) })
	ctx := context.Background()
	c := newTestCache(t)
	if err := c.Set(ctx, "k", []byte("the cached answer"), time.Minute, "cell"); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Get(ctx, "k"); err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, s := range rec.Ended() {
		names = append(names, s.Name())
		for _, kv := range s.Attributes() {
			if v := kv.Value.Emit(); strings.Contains(v, "cached answer") || strings.Contains(v, c.prefix) {
				t.Errorf("span %s: attribute %s = %q", s.Name(), kv.Key, v)
			}
		}
	}
	if !slices.Contains(names, "get") {
		t.Errorf("spans %v: want one for get", names)
	}
}

// BenchmarkSet stores a 20 KB search entry with the 25 tags of a 10 km disc
// and of its minute, as the search cache does at every miss.
func BenchmarkSet(b *testing.B) {
	ctx := context.Background()
	c := newTestCache(b)
	value := make([]byte, 20<<10)
	tags := make([]string, 25)
	for i := range tags {
		tags[i] = fmt.Sprintf("488:%d@29420000", i)
	}
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		if err := c.Set(ctx, strconv.Itoa(i%1000), value, time.Minute, tags...); err != nil {
			b.Fatal(err)
		}
	}
}
