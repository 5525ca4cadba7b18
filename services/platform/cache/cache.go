// Package cache defines the shared cache of the services: byte values with a
// TTL, invalidated by key or by tag (a geographic cell, say), plus a
// best-effort lock so one replica computes a missing value while the
// others wait or serve stale data.
//
// Package memory implements it in process and package rediscache on Redis;
// package cachetest holds the conformance suite both pass.
package cache

import (
	"context"
	"errors"
	"time"
)

var (
	// ErrMiss reports that a key is absent or expired.
	ErrMiss = errors.New("cache: miss")
	// ErrInvalidTTL reports a TTL that is not positive.
	ErrInvalidTTL = errors.New("cache: ttl must be positive")
	// ErrLockLost reports an unlock after the lock expired: another
	// caller may hold it now and it was left alone.
	ErrLockLost = errors.New("cache: lock lost")
	// ErrClosed reports a call on a closed cache.
	ErrClosed = errors.New("cache: closed")
)

// Cache stores byte values under string keys. Implementations are safe for
// concurrent use.
type Cache interface {
	// Get returns the value of key, or ErrMiss when it is absent or expired.
	Get(ctx context.Context, key string) ([]byte, error)
	// Set stores value under key for ttl (> 0, else ErrInvalidTTL) and
	// registers key under each tag.
	Set(ctx context.Context, key string, value []byte, ttl time.Duration, tags ...string) error
	// Delete removes keys; absent keys are not an error.
	Delete(ctx context.Context, keys ...string) error
	// InvalidateTags removes every key registered under any of tags and
	// returns how many keys were removed.
	InvalidateTags(ctx context.Context, tags ...string) (int, error)
	// Lock takes the lock named key for ttl (> 0, else ErrInvalidTTL) if
	// no one holds it. When acquired, unlock releases it, or returns
	// ErrLockLost and leaves the lock alone if it expired in between.
	Lock(ctx context.Context, key string, ttl time.Duration) (unlock func(context.Context) error, acquired bool, err error)
	// Ping checks that the cache is reachable.
	Ping(ctx context.Context) error
	// Close releases the cache's resources; later calls fail.
	Close() error
}
