// Package rediscache is the cache.Cache shared by the replicas of a
// service, on Redis (single node; go-redis v9), traced and measured with
// OpenTelemetry.
//
// Keys live under Config.Prefix: values at <prefix>key:<key>, tag sets at
// <prefix>tag:<tag>, locks at <prefix>lock:<key>.
package rediscache

import (
	"errors"
	"time"

	"github.com/redis/go-redis/v9"
)

// Config configures New. Zero fields take the defaults documented on them;
// URL is required.
type Config struct {
	// URL is a Redis URL, e.g. redis://127.0.0.1:6379/0.
	URL string
	// Prefix namespaces every key; defaults to "sas:". Give each service
	// its own, e.g. "sas:search:".
	Prefix string
	// PoolSize is the maximum number of connections; defaults to 20.
	PoolSize int
	// DialTimeout defaults to 2s.
	DialTimeout time.Duration
	// ReadTimeout defaults to 500ms: a slow cache is worse than none.
	ReadTimeout time.Duration
	// WriteTimeout defaults to 500ms.
	WriteTimeout time.Duration
}

// Defaults of Config.
const (
	DefaultPrefix       = "sas:"
	DefaultPoolSize     = 20
	DefaultDialTimeout  = 2 * time.Second
	DefaultReadTimeout  = 500 * time.Millisecond
	DefaultWriteTimeout = 500 * time.Millisecond
)

// withDefaults returns c with every zero field set to its default.
func (c Config) withDefaults() Config {
	setDefault(&c.Prefix, DefaultPrefix)
	setDefault(&c.PoolSize, DefaultPoolSize)
	setDefault(&c.DialTimeout, DefaultDialTimeout)
	setDefault(&c.ReadTimeout, DefaultReadTimeout)
	setDefault(&c.WriteTimeout, DefaultWriteTimeout)
	return c
}

func setDefault[T comparable](v *T, def T) {
	var zero T
	if *v == zero {
		*v = def
	}
}

// options builds the go-redis options of c, which has its defaults.
func (c Config) options() (*redis.Options, error) {
	if c.URL == "" {
		return nil, errors.New("url is required")
	}
	opts, err := redis.ParseURL(c.URL)
	if err != nil {
		return nil, err
	}
	opts.PoolSize = c.PoolSize
	opts.DialTimeout = c.DialTimeout
	opts.ReadTimeout = c.ReadTimeout
	opts.WriteTimeout = c.WriteTimeout
	opts.ContextTimeoutEnabled = true // honour callers' deadlines
	opts.DisableIdentity = true       // CLIENT SETINFO needs Redis >= 7.2
	opts.DialerRetries = 1            // fail fast: callers fall back
	return opts, nil
}
