package auth_test

import (
	"context"
	"errors"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/go-jose/go-jose/v4"

	accountsv1 "github.com/sas-platform/sas/gen/sas/accounts/v1"
	"github.com/sas-platform/sas/services/platform/auth"
)

// keys is a mutable key set, as the accounts service publishes it.
type keys struct {
	set     atomic.Pointer[jose.JSONWebKeySet]
	fetches atomic.Int32
}

func (k *keys) source(context.Context) (*jose.JSONWebKeySet, error) {
	k.fetches.Add(1)
	return k.set.Load(), nil
}

func newKey(t testing.TB) auth.SigningKey {
	k, err := auth.NewSigningKey(time.Now())
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func publish(ks *keys, signing ...auth.SigningKey) {
	set := &jose.JSONWebKeySet{}
	for _, k := range signing {
		set.Keys = append(set.Keys, k.Public())
	}
	ks.set.Store(set)
}

var admin = &auth.Principal{Subject: "accounts/a1", Kind: auth.KindUser, Role: accountsv1.Role_ROLE_ARS_ACCOUNT_MANAGER,
	Territory: "territories/SAS-44", ActsFor: []string{"810000000001"}}

func sign(t testing.TB, k auth.SigningKey, p *auth.Principal, issuer, audience string, iat time.Time, ttl time.Duration) string {
	t.Helper()
	tok, err := auth.Sign(k, auth.NewClaims(p, issuer, audience, iat, ttl))
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

func TestVerify(t *testing.T) {
	current, other := newKey(t), newKey(t)
	forged := other
	forged.ID = current.ID // same kid, another key: a forgery
	now := time.Now()
	tests := []struct {
		name, token, reason string
	}{
		{"valid", sign(t, current, admin, "sas", "sas", now, time.Minute), ""},
		{"expired", sign(t, current, admin, "sas", "sas", now.Add(-time.Hour), time.Minute), "TOKEN_EXPIRED"},
		{"wrong audience", sign(t, current, admin, "sas", "vendors/x", now, time.Minute), "TOKEN_WRONG_AUDIENCE"},
		{"wrong issuer", sign(t, current, admin, "elsewhere", "sas", now, time.Minute), "TOKEN_WRONG_ISSUER"},
		{"unknown key", sign(t, other, admin, "sas", "sas", now, time.Minute), "TOKEN_UNKNOWN_KEY"},
		{"forged signature", sign(t, forged, admin, "sas", "sas", now, time.Minute), "TOKEN_BAD_SIGNATURE"},
		{"not a JWT", "hello", "TOKEN_MALFORMED"},
		{"oversized", strings.Repeat("a", 9000), "TOKEN_MALFORMED"},
		{"unknown role", sign(t, current, &auth.Principal{Subject: "accounts/x", Kind: auth.KindUser}, "sas", "sas", now, time.Minute), "TOKEN_MALFORMED"},
	}
	ks := &keys{}
	publish(ks, current)
	v := auth.NewVerifier(auth.VerifierOptions{Source: ks.source, MinRefresh: time.Hour})
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := v.Verify(context.Background(), tt.token)
			if tt.reason == "" {
				if err != nil {
					t.Fatal(err)
				}
				if p.Subject != admin.Subject || p.Role != admin.Role || p.Territory != admin.Territory || !p.MayActFor("810000000001") {
					t.Fatalf("principal %+v", p)
				}
				return
			}
			var te *auth.TokenError
			if !errors.As(err, &te) || te.Reason != tt.reason {
				t.Fatalf("err = %v, want reason %s", err, tt.reason)
			}
		})
	}
	// Unknown kids fetch the key set at most once per MinRefresh.
	if n := ks.fetches.Load(); n != 1 {
		t.Errorf("%d key-set fetches, want 1", n)
	}
}

func TestRotatedOutKeyIsRefused(t *testing.T) {
	old, next := newKey(t), newKey(t)
	ks := &keys{}
	publish(ks, old)
	clock := time.Now()
	v := auth.NewVerifier(auth.VerifierOptions{Source: ks.source, KeyRefresh: time.Minute, MinRefresh: 10 * time.Second,
		Now: func() time.Time { return clock }})
	oldTok := sign(t, old, admin, "sas", "sas", clock, time.Hour)
	if _, err := v.Verify(context.Background(), oldTok); err != nil {
		t.Fatal(err)
	}
	// Rotation: both keys published; a token of the new key makes the
	// verifier fetch the set again (after MinRefresh).
	publish(ks, next, old)
	clock = clock.Add(11 * time.Second)
	newTok := sign(t, next, admin, "sas", "sas", clock, time.Hour)
	if _, err := v.Verify(context.Background(), newTok); err != nil {
		t.Fatalf("token of the new key: %v", err)
	}
	// The old key leaves the set; the periodic refresh drops it and the
	// tokens verified with it, cached or not.
	publish(ks, next)
	clock = clock.Add(2 * time.Minute)
	var te *auth.TokenError
	if _, err := v.Verify(context.Background(), oldTok); !errors.As(err, &te) || te.Reason != "TOKEN_UNKNOWN_KEY" {
		t.Fatalf("token of the retired key (cached before): %v, want TOKEN_UNKNOWN_KEY", err)
	}
	if _, err := v.Verify(context.Background(), newTok); err != nil {
		t.Fatalf("token of the current key after the refresh: %v", err)
	}
}

func TestCachedTokenStillExpires(t *testing.T) {
	k := newKey(t)
	ks := &keys{}
	publish(ks, k)
	now := time.Now()
	clock := now
	v := auth.NewVerifier(auth.VerifierOptions{Source: ks.source, Now: func() time.Time { return clock }})
	tok := sign(t, k, admin, "sas", "sas", now, time.Minute)
	if _, err := v.Verify(context.Background(), tok); err != nil {
		t.Fatal(err)
	}
	clock = now.Add(2 * time.Minute)
	var te *auth.TokenError
	if _, err := v.Verify(context.Background(), tok); !errors.As(err, &te) || te.Reason != "TOKEN_EXPIRED" {
		t.Fatalf("after expiry: %v", err)
	}
}

// BenchmarkVerify measures what the interceptor pays per call: "cached" is
// a client reusing its token (the usual case), "signature" a new token each
// time (one ES256 verification).
func BenchmarkVerify(b *testing.B) {
	k := newKey(b)
	ks := &keys{}
	publish(ks, k)
	b.Run("cached", func(b *testing.B) {
		v := auth.NewVerifier(auth.VerifierOptions{Source: ks.source})
		tok := sign(b, k, admin, "sas", "sas", time.Now(), time.Hour)
		b.ReportAllocs()
		for b.Loop() {
			if _, err := v.Verify(context.Background(), tok); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("signature", func(b *testing.B) {
		toks := make([]string, 512)
		for i := range toks {
			toks[i] = sign(b, k, admin, "sas", "sas", time.Now(), time.Hour)
		}
		b.ReportAllocs()
		i := 0
		for b.Loop() {
			// CacheSize 1 forces a signature check on every call.
			v := auth.NewVerifier(auth.VerifierOptions{Source: ks.source, CacheSize: 1})
			if _, err := v.Verify(context.Background(), toks[i%len(toks)]); err != nil {
				b.Fatal(err)
			}
			i++
		}
	})
}
