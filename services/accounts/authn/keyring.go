package authn

import (
	"context"
	"fmt"
	"sync"
	"time"

	"google.golang.org/protobuf/encoding/protojson"

	accountsv1 "github.com/sas-platform/sas/gen/sas/accounts/v1"
	"github.com/sas-platform/sas/services/platform/auth"
)

// KeyStore keeps the signing keys.
type KeyStore interface {
	SigningKeys(ctx context.Context, now time.Time) ([]auth.SigningKey, error)
	RotateSigningKey(ctx context.Context, k auth.SigningKey, retireAt time.Time) error
	PurgeSigningKeys(ctx context.Context, now time.Time) error
}

// KeyRing signs with the newest key and publishes every key whose tokens
// may still be alive. Replicas share keys through the store and reload them
// every minute.
type KeyRing struct {
	store    KeyStore
	ttl      time.Duration
	rotation time.Duration

	mu     sync.RWMutex
	keys   []auth.SigningKey // newest first
	loaded time.Time
}

// NewKeyRing loads the keys, creating the first one (or a new one when the
// current is older than rotation).
func NewKeyRing(ctx context.Context, st KeyStore, ttl, rotation time.Duration) (*KeyRing, error) {
	r := &KeyRing{store: st, ttl: ttl, rotation: rotation}
	if err := r.load(ctx); err != nil {
		return nil, err
	}
	if err := r.rotateIfDue(ctx); err != nil {
		return nil, err
	}
	return r, nil
}

func (r *KeyRing) load(ctx context.Context) error {
	keys, err := r.store.SigningKeys(ctx, time.Now())
	if err != nil {
		return fmt.Errorf("load signing keys: %w", err)
	}
	r.mu.Lock()
	r.keys, r.loaded = keys, time.Now()
	r.mu.Unlock()
	return nil
}

func (r *KeyRing) rotateIfDue(ctx context.Context) error {
	r.mu.RLock()
	due := len(r.keys) == 0 || time.Since(r.keys[0].Created) >= r.rotation
	r.mu.RUnlock()
	if !due {
		return nil
	}
	_, err := r.Rotate(ctx)
	return err
}

// Rotate makes a new key current; the previous ones stay published for one
// token lifetime (plus a minute of clock skew).
func (r *KeyRing) Rotate(ctx context.Context) (string, error) {
	now := time.Now()
	k, err := auth.NewSigningKey(now)
	if err != nil {
		return "", err
	}
	if err := r.store.RotateSigningKey(ctx, k, now.Add(r.ttl+time.Minute)); err != nil {
		return "", fmt.Errorf("rotate signing key: %w", err)
	}
	return k.ID, r.load(ctx)
}

// Current is the key that signs new tokens.
func (r *KeyRing) Current(ctx context.Context) (auth.SigningKey, error) {
	r.mu.RLock()
	stale := time.Since(r.loaded) > time.Minute
	r.mu.RUnlock()
	if stale {
		if err := r.load(ctx); err != nil {
			return auth.SigningKey{}, err
		}
	}
	r.mu.RLock()
	defer r.mu.RUnlock()
	if len(r.keys) == 0 {
		return auth.SigningKey{}, fmt.Errorf("no signing key")
	}
	return r.keys[0], nil
}

// JWKS is the published key set, current key first.
func (r *KeyRing) JWKS(ctx context.Context) (*accountsv1.Jwks, error) {
	if _, err := r.Current(ctx); err != nil {
		return nil, err
	}
	r.mu.RLock()
	defer r.mu.RUnlock()
	out := &accountsv1.Jwks{}
	for _, k := range r.keys {
		raw, err := k.Public().MarshalJSON()
		if err != nil {
			return nil, err
		}
		jwk := &accountsv1.Jwk{}
		if err := (protojson.UnmarshalOptions{DiscardUnknown: true}).Unmarshal(raw, jwk); err != nil {
			return nil, err
		}
		out.Keys = append(out.Keys, jwk)
	}
	return out, nil
}

// Run rotates the key every rotation period and purges retired keys until ctx ends.
func (r *KeyRing) Run(ctx context.Context, onError func(error)) {
	t := time.NewTicker(time.Minute)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		if err := r.load(ctx); err != nil {
			onError(err)
			continue
		}
		if err := r.rotateIfDue(ctx); err != nil {
			onError(err)
		}
		if err := r.store.PurgeSigningKeys(ctx, time.Now()); err != nil {
			onError(err)
		}
	}
}
