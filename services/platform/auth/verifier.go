package auth

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/go-jose/go-jose/v4"
	"github.com/go-jose/go-jose/v4/jwt"
	"golang.org/x/sync/singleflight"

	accountsv1 "github.com/sas-platform/sas/gen/sas/accounts/v1"
)

// Defaults of VerifierOptions.
const (
	DefaultIssuer   = "sas"
	DefaultAudience = "sas"
	// DefaultKeyRefresh is how often the key set is fetched again even
	// when every token names a known key (picks up retirements).
	DefaultKeyRefresh = 5 * time.Minute
	// DefaultMinRefresh bounds how often an unknown key id triggers a
	// fetch, so forged kids cannot hammer the accounts service.
	DefaultMinRefresh = 10 * time.Second
	// DefaultCacheSize is how many verified tokens are remembered.
	DefaultCacheSize = 50_000
	// maxTokenSize refuses absurd tokens before parsing them.
	maxTokenSize = 8 << 10
)

// KeySource fetches the current public key set (the accounts service's JWKS).
type KeySource func(ctx context.Context) (*jose.JSONWebKeySet, error)

// VerifierOptions configure a Verifier; Source is required.
type VerifierOptions struct {
	Source     KeySource
	Issuer     string // default DefaultIssuer
	Audience   string // default DefaultAudience
	Leeway     time.Duration
	KeyRefresh time.Duration
	MinRefresh time.Duration
	CacheSize  int
	Now        func() time.Time
}

// TokenError says why a token was refused; Reason is a stable
// UPPER_SNAKE_CASE code for clients, Error a sentence for people.
type TokenError struct {
	Reason string
	msg    string
}

func (e *TokenError) Error() string { return e.msg }

func tokenErr(reason, format string, args ...any) error {
	return &TokenError{Reason: reason, msg: fmt.Sprintf(format, args...)}
}

// Verifier checks access tokens locally against a cached key set and
// remembers the tokens it verified until they expire, so that a client
// sending the same token costs a map lookup, not a signature check.
type Verifier struct {
	opts  VerifierOptions
	fetch singleflight.Group

	mu          sync.RWMutex
	keys        map[string]jose.JSONWebKey
	fetched     time.Time
	lastAttempt time.Time
	verified    map[string]*cached
}

type cached struct {
	p      *Principal
	expiry time.Time
}

// NewVerifier returns a Verifier; keys are fetched on first use.
func NewVerifier(opts VerifierOptions) *Verifier {
	if opts.Issuer == "" {
		opts.Issuer = DefaultIssuer
	}
	if opts.Audience == "" {
		opts.Audience = DefaultAudience
	}
	if opts.KeyRefresh == 0 {
		opts.KeyRefresh = DefaultKeyRefresh
	}
	if opts.MinRefresh == 0 {
		opts.MinRefresh = DefaultMinRefresh
	}
	if opts.CacheSize == 0 {
		opts.CacheSize = DefaultCacheSize
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	return &Verifier{opts: opts, verified: map[string]*cached{}}
}

// Verify checks raw (a compact JWS without "Bearer ") and returns its principal.
func (v *Verifier) Verify(ctx context.Context, raw string) (*Principal, error) {
	now := v.opts.Now()
	v.mu.RLock()
	c := v.verified[raw]
	stale := now.Sub(v.fetched) > v.opts.KeyRefresh
	v.mu.RUnlock()
	if c != nil && !stale {
		if now.Before(c.expiry.Add(v.opts.Leeway)) {
			return c.p, nil
		}
		return nil, tokenErr("TOKEN_EXPIRED", "access token expired at %s", c.expiry.UTC().Format(time.RFC3339))
	}
	if stale {
		// Refresh in the background of this call: a failure keeps the
		// keys we have rather than refusing every caller.
		_ = v.refresh(ctx, true)
	}
	return v.verify(ctx, raw, now)
}

func (v *Verifier) verify(ctx context.Context, raw string, now time.Time) (*Principal, error) {
	if len(raw) > maxTokenSize {
		return nil, tokenErr("TOKEN_MALFORMED", "access token longer than %d bytes", maxTokenSize)
	}
	tok, err := jwt.ParseSigned(raw, []jose.SignatureAlgorithm{Algorithm})
	if err != nil {
		return nil, tokenErr("TOKEN_MALFORMED", "access token is not a %s JWT: %v", Algorithm, err)
	}
	kid := tok.Headers[0].KeyID
	key, err := v.key(ctx, kid)
	if err != nil {
		return nil, err
	}
	var c Claims
	if err := tok.Claims(key.Key, &c); err != nil {
		return nil, tokenErr("TOKEN_BAD_SIGNATURE", "access token signature does not verify with key %q", kid)
	}
	if err := c.ValidateWithLeeway(jwt.Expected{Issuer: v.opts.Issuer, AnyAudience: jwt.Audience{v.opts.Audience}, Time: now}, v.opts.Leeway); err != nil {
		return nil, claimsError(err, c)
	}
	if c.Expiry == nil {
		return nil, tokenErr("TOKEN_MALFORMED", "access token has no expiry")
	}
	p, err := principalOf(c)
	if err != nil {
		return nil, err
	}
	v.remember(raw, p, c.Expiry.Time())
	return p, nil
}

func claimsError(err error, c Claims) error {
	switch {
	case errors.Is(err, jwt.ErrExpired):
		return tokenErr("TOKEN_EXPIRED", "access token expired at %s", c.Expiry.Time().UTC().Format(time.RFC3339))
	case errors.Is(err, jwt.ErrNotValidYet), errors.Is(err, jwt.ErrIssuedInTheFuture):
		return tokenErr("TOKEN_NOT_YET_VALID", "access token is not valid yet")
	case errors.Is(err, jwt.ErrInvalidAudience):
		return tokenErr("TOKEN_WRONG_AUDIENCE", "access token is for audience %q, not this platform", strings.Join(c.Audience, ","))
	case errors.Is(err, jwt.ErrInvalidIssuer):
		return tokenErr("TOKEN_WRONG_ISSUER", "access token issued by %q", c.Issuer)
	}
	return tokenErr("TOKEN_INVALID", "access token refused: %v", err)
}

func principalOf(c Claims) (*Principal, error) {
	p := &Principal{Subject: c.Subject, Kind: c.Kind, Territory: c.Territory, NationalID: c.NationalID, ActsFor: c.ActsFor, TokenID: c.ID}
	switch c.Kind {
	case KindUser:
		r, ok := accountsv1.Role_value[c.Role]
		if !ok || r == 0 {
			return nil, tokenErr("TOKEN_MALFORMED", "access token has unknown role %q", c.Role)
		}
		p.Role = accountsv1.Role(r)
	case KindVendor, KindService:
	default:
		return nil, tokenErr("TOKEN_MALFORMED", "access token has unknown kind %q", c.Kind)
	}
	if c.Subject == "" {
		return nil, tokenErr("TOKEN_MALFORMED", "access token has no subject")
	}
	return p, nil
}

func (v *Verifier) remember(raw string, p *Principal, expiry time.Time) {
	v.mu.Lock()
	defer v.mu.Unlock()
	if len(v.verified) >= v.opts.CacheSize {
		// Drop expired entries, then everything if still full: simpler
		// than an LRU and verification only costs one signature check.
		now := v.opts.Now()
		for k, c := range v.verified {
			if now.After(c.expiry) {
				delete(v.verified, k)
			}
		}
		if len(v.verified) >= v.opts.CacheSize {
			clear(v.verified)
		}
	}
	v.verified[raw] = &cached{p: p, expiry: expiry}
}

// key returns the public key kid, fetching the key set once when it is unknown.
func (v *Verifier) key(ctx context.Context, kid string) (jose.JSONWebKey, error) {
	v.mu.RLock()
	k, ok := v.keys[kid]
	v.mu.RUnlock()
	if ok {
		return k, nil
	}
	if err := v.refresh(ctx, false); err != nil && v.keys == nil {
		return jose.JSONWebKey{}, fmt.Errorf("fetch key set: %w", err)
	}
	v.mu.RLock()
	k, ok = v.keys[kid]
	v.mu.RUnlock()
	if !ok {
		return jose.JSONWebKey{}, tokenErr("TOKEN_UNKNOWN_KEY", "access token signed by unknown or retired key %q", kid)
	}
	return k, nil
}

// refresh fetches the key set unless one was fetched less than MinRefresh
// ago (or KeyRefresh ago when periodic). Concurrent callers share one fetch.
func (v *Verifier) refresh(ctx context.Context, periodic bool) error {
	_, err, _ := v.fetch.Do("", func() (any, error) {
		now := v.opts.Now()
		v.mu.RLock()
		recent := now.Sub(v.lastAttempt) < v.opts.MinRefresh
		if periodic {
			recent = now.Sub(v.fetched) < v.opts.KeyRefresh && v.keys != nil
		}
		v.mu.RUnlock()
		if recent {
			return nil, nil
		}
		v.mu.Lock()
		v.lastAttempt = now
		v.mu.Unlock()
		set, err := v.opts.Source(context.WithoutCancel(ctx))
		if err != nil {
			return nil, err
		}
		keys := map[string]jose.JSONWebKey{}
		for _, k := range set.Keys {
			if k.Algorithm == "" || k.Algorithm == string(Algorithm) {
				keys[k.KeyID] = k
			}
		}
		v.mu.Lock()
		defer v.mu.Unlock()
		if !sameKeys(v.keys, keys) {
			// A key left the set: tokens it signed must not stay trusted.
			clear(v.verified)
		}
		v.keys, v.fetched = keys, now
		return nil, nil
	})
	return err
}

func sameKeys(a, b map[string]jose.JSONWebKey) bool {
	if len(a) != len(b) {
		return false
	}
	for k := range a {
		if _, ok := b[k]; !ok {
			return false
		}
	}
	return true
}
