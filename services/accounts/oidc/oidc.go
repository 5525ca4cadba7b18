// Package oidc verifies the ID tokens of the OIDC issuer trusted for sign-in
// (Pro Santé Connect in production) and provides the built-in development
// issuer that sasd uses when none is configured.
package oidc

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/go-jose/go-jose/v4"
	"github.com/go-jose/go-jose/v4/jwt"
)

// Identity is who an ID token says signed in.
type Identity struct {
	Issuer, Subject string
	// Email, when the issuer gives it.
	Email string
	// NationalID ("8"+RPPS or "0"+ADELI), when the issuer gives it (Pro
	// Santé Connect: preferred_username / SubjectNameID).
	NationalID string
	TokenID    string
	Expiry     time.Time
}

// Error is a refused ID token; Reason is a stable code.
type Error struct{ Reason, Msg string }

func (e *Error) Error() string { return e.Msg }

// Verifier checks ID tokens of one issuer for one client id.
type Verifier struct {
	issuer, clientID string
	keys             func(ctx context.Context) (*jose.JSONWebKeySet, error)
	now              func() time.Time

	mu      sync.Mutex
	cached  *jose.JSONWebKeySet
	fetched time.Time
	seen    map[string]time.Time // jti → expiry: an ID token signs in once
}

// NewVerifier trusts issuer, discovering its keys over HTTPS
// (/.well-known/openid-configuration → jwks_uri).
func NewVerifier(issuer, clientID string, client *http.Client) *Verifier {
	v := &Verifier{issuer: issuer, clientID: clientID, now: time.Now, seen: map[string]time.Time{}}
	v.keys = func(ctx context.Context) (*jose.JSONWebKeySet, error) { return discover(ctx, client, issuer) }
	return v
}

// NewStaticVerifier trusts issuer with a fixed key source (the dev issuer).
func NewStaticVerifier(issuer, clientID string, keys func(ctx context.Context) (*jose.JSONWebKeySet, error)) *Verifier {
	return &Verifier{issuer: issuer, clientID: clientID, keys: keys, now: time.Now, seen: map[string]time.Time{}}
}

var algorithms = []jose.SignatureAlgorithm{jose.RS256, jose.ES256, jose.PS256, jose.EdDSA}

// Verify checks raw and returns the identity it carries.
func (v *Verifier) Verify(ctx context.Context, raw string) (*Identity, error) {
	if len(raw) > 16<<10 {
		return nil, &Error{"ID_TOKEN_MALFORMED", "id_token longer than 16 KiB"}
	}
	tok, err := jwt.ParseSigned(raw, algorithms)
	if err != nil {
		return nil, &Error{"ID_TOKEN_MALFORMED", "id_token is not a signed JWT: " + err.Error()}
	}
	key, err := v.key(ctx, tok.Headers[0].KeyID)
	if err != nil {
		return nil, err
	}
	var c struct {
		jwt.Claims
		Email             string `json:"email"`
		PreferredUsername string `json:"preferred_username"`
		SubjectNameID     string `json:"SubjectNameID"`
	}
	if err := tok.Claims(key.Key, &c); err != nil {
		return nil, &Error{"ID_TOKEN_BAD_SIGNATURE", "id_token signature does not verify"}
	}
	now := v.now()
	if err := c.ValidateWithLeeway(jwt.Expected{Issuer: v.issuer, AnyAudience: jwt.Audience{v.clientID}, Time: now}, 30*time.Second); err != nil {
		switch {
		case errors.Is(err, jwt.ErrExpired):
			return nil, &Error{"ID_TOKEN_EXPIRED", "id_token expired"}
		case errors.Is(err, jwt.ErrInvalidAudience):
			return nil, &Error{"ID_TOKEN_WRONG_AUDIENCE", fmt.Sprintf("id_token is for %q, not client %q", strings.Join(c.Audience, ","), v.clientID)}
		case errors.Is(err, jwt.ErrInvalidIssuer):
			return nil, &Error{"ID_TOKEN_WRONG_ISSUER", fmt.Sprintf("id_token issued by %q; trusted issuer is %q", c.Issuer, v.issuer)}
		}
		return nil, &Error{"ID_TOKEN_INVALID", "id_token refused: " + err.Error()}
	}
	if c.Expiry == nil {
		return nil, &Error{"ID_TOKEN_MALFORMED", "id_token has no expiry"}
	}
	id := &Identity{Issuer: c.Issuer, Subject: c.Subject, Email: c.Email, TokenID: c.ID, Expiry: c.Expiry.Time(),
		NationalID: firstNonEmpty(c.SubjectNameID, c.PreferredUsername)}
	if err := v.once(id, now); err != nil {
		return nil, err
	}
	return id, nil
}

// once refuses an ID token seen before (replay), remembering it until it expires.
func (v *Verifier) once(id *Identity, now time.Time) error {
	if id.TokenID == "" {
		return nil
	}
	v.mu.Lock()
	defer v.mu.Unlock()
	for k, exp := range v.seen {
		if now.After(exp.Add(time.Minute)) {
			delete(v.seen, k)
		}
	}
	if _, dup := v.seen[id.TokenID]; dup {
		return &Error{"ID_TOKEN_REPLAYED", "id_token already used to sign in"}
	}
	v.seen[id.TokenID] = id.Expiry
	return nil
}

func (v *Verifier) key(ctx context.Context, kid string) (jose.JSONWebKey, error) {
	for attempt := 0; attempt < 2; attempt++ {
		v.mu.Lock()
		set, fetched := v.cached, v.fetched
		v.mu.Unlock()
		if set == nil || (attempt == 1 && time.Since(fetched) > 10*time.Second) || time.Since(fetched) > time.Hour {
			fresh, err := v.keys(ctx)
			if err != nil {
				return jose.JSONWebKey{}, fmt.Errorf("keys of OIDC issuer %s: %w", v.issuer, err)
			}
			v.mu.Lock()
			v.cached, v.fetched = fresh, time.Now()
			v.mu.Unlock()
			set = fresh
		}
		if ks := set.Key(kid); len(ks) > 0 {
			return ks[0], nil
		}
	}
	return jose.JSONWebKey{}, &Error{"ID_TOKEN_UNKNOWN_KEY", fmt.Sprintf("id_token signed by unknown key %q", kid)}
}

func discover(ctx context.Context, client *http.Client, issuer string) (*jose.JSONWebKeySet, error) {
	var conf struct {
		JWKSURI string `json:"jwks_uri"`
	}
	if err := getJSON(ctx, client, strings.TrimSuffix(issuer, "/")+"/.well-known/openid-configuration", &conf); err != nil {
		return nil, err
	}
	if conf.JWKSURI == "" {
		return nil, errors.New("discovery document has no jwks_uri")
	}
	var set jose.JSONWebKeySet
	return &set, getJSON(ctx, client, conf.JWKSURI, &set)
}

func getJSON(ctx context.Context, client *http.Client, url string, v any) error {
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return err
	}
	resp, err := client.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("GET %s: %s", url, resp.Status)
	}
	return json.NewDecoder(io.LimitReader(resp.Body, 1<<20)).Decode(v)
}

func firstNonEmpty(vs ...string) string {
	for _, v := range vs {
		if v != "" {
			return v
		}
	}
	return ""
}
