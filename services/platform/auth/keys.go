package auth

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"time"

	"github.com/go-jose/go-jose/v4"
	"github.com/go-jose/go-jose/v4/jwt"
)

// Algorithm is the one signature algorithm of access tokens.
const Algorithm = jose.ES256

// SigningKey is an ES256 key of the accounts service.
type SigningKey struct {
	ID      string
	Private *ecdsa.PrivateKey
	Created time.Time
}

// NewSigningKey generates a P-256 key with a random key id.
func NewSigningKey(now time.Time) (SigningKey, error) {
	priv, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return SigningKey{}, err
	}
	id := make([]byte, 12)
	if _, err := rand.Read(id); err != nil {
		return SigningKey{}, err
	}
	return SigningKey{ID: base64.RawURLEncoding.EncodeToString(id), Private: priv, Created: now}, nil
}

// MarshalPrivate encodes the private key as a JWK for storage.
func (k SigningKey) MarshalPrivate() ([]byte, error) {
	return json.Marshal(jose.JSONWebKey{Key: k.Private, KeyID: k.ID, Algorithm: string(Algorithm), Use: "sig"})
}

// ParseSigningKey decodes a key stored by MarshalPrivate.
func ParseSigningKey(data []byte, created time.Time) (SigningKey, error) {
	var jwk jose.JSONWebKey
	if err := json.Unmarshal(data, &jwk); err != nil {
		return SigningKey{}, fmt.Errorf("signing key: %w", err)
	}
	priv, ok := jwk.Key.(*ecdsa.PrivateKey)
	if !ok {
		return SigningKey{}, fmt.Errorf("signing key %s: not an EC private key", jwk.KeyID)
	}
	return SigningKey{ID: jwk.KeyID, Private: priv, Created: created}, nil
}

// Public is the key's public JWK, as published in the key set.
func (k SigningKey) Public() jose.JSONWebKey {
	return jose.JSONWebKey{Key: &k.Private.PublicKey, KeyID: k.ID, Algorithm: string(Algorithm), Use: "sig"}
}

// Claims are what an access token says about its holder.
type Claims struct {
	jwt.Claims
	Kind       Kind     `json:"kind"`
	Role       string   `json:"role,omitempty"`
	Territory  string   `json:"territory,omitempty"`
	NationalID string   `json:"nid,omitempty"`
	ActsFor    []string `json:"acts_for,omitempty"`
}

// NewClaims describes p for a token from issuer to audience valid for ttl.
func NewClaims(p *Principal, issuer, audience string, now time.Time, ttl time.Duration) Claims {
	c := Claims{
		Claims: jwt.Claims{
			Issuer:    issuer,
			Subject:   p.Subject,
			Audience:  jwt.Audience{audience},
			IssuedAt:  jwt.NewNumericDate(now),
			NotBefore: jwt.NewNumericDate(now),
			Expiry:    jwt.NewNumericDate(now.Add(ttl)),
			ID:        p.TokenID,
		},
		Kind:       p.Kind,
		Territory:  p.Territory,
		NationalID: p.NationalID,
		ActsFor:    p.ActsFor,
	}
	if p.Kind == KindUser {
		c.Role = p.Role.String()
	}
	return c
}

// Sign serializes c as a compact JWS signed with k.
func Sign(k SigningKey, c any) (string, error) {
	signer, err := jose.NewSigner(jose.SigningKey{Algorithm: Algorithm, Key: jose.JSONWebKey{Key: k.Private, KeyID: k.ID}},
		(&jose.SignerOptions{}).WithType("JWT"))
	if err != nil {
		return "", err
	}
	return jwt.Signed(signer).Claims(c).Serialize()
}

// NewTokenID returns a random jti.
func NewTokenID() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}
