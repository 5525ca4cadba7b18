// Package pagetoken seals List pagination positions into opaque,
// tamper-proof, expiring page tokens (AIP-158): AES-256-GCM over the keyset
// position, a digest of the request's other parameters and an expiry.
package pagetoken

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"time"
)

// ErrInvalid is returned for a token that is malformed, forged, expired, or
// was issued for other request parameters.
var ErrInvalid = errors.New("invalid page token")

// Sealer seals and opens page tokens.
type Sealer struct {
	aead cipher.AEAD
	ttl  time.Duration
	now  func() time.Time
}

type payload struct {
	Position json.RawMessage `json:"p"`
	Query    []byte          `json:"q"`
	Expiry   int64           `json:"e"`
}

// New returns a sealer with a 32-byte key; tokens live for ttl.
func New(key []byte, ttl time.Duration) (*Sealer, error) {
	if len(key) != 32 {
		return nil, fmt.Errorf("page token key: want 32 bytes, got %d", len(key))
	}
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, fmt.Errorf("page token key: %w", err)
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return nil, fmt.Errorf("page token key: %w", err)
	}
	return &Sealer{aead: aead, ttl: ttl, now: time.Now}, nil
}

// NewRandom returns a sealer with a random key: its tokens do not survive a
// restart nor work on another replica (set a shared key for that).
func NewRandom(ttl time.Duration) *Sealer {
	key := make([]byte, 32)
	rand.Read(key) // crypto/rand.Read never fails on supported platforms
	s, err := New(key, ttl)
	if err != nil {
		panic(err) // unreachable: the key has the right size
	}
	return s
}

// Seal returns the token for position (any JSON-encodable value) for a
// request whose other parameters are summarised by query.
func (s *Sealer) Seal(position any, query string) (string, error) {
	raw, err := json.Marshal(position)
	if err != nil {
		return "", fmt.Errorf("seal page token: %w", err)
	}
	plain, err := json.Marshal(payload{Position: raw, Query: digest(query), Expiry: s.now().Add(s.ttl).Unix()})
	if err != nil {
		return "", fmt.Errorf("seal page token: %w", err)
	}
	nonce := make([]byte, s.aead.NonceSize())
	if _, err := rand.Read(nonce); err != nil {
		return "", fmt.Errorf("seal page token: %w", err)
	}
	return base64.RawURLEncoding.EncodeToString(s.aead.Seal(nonce, nonce, plain, nil)), nil
}

// Open decodes token into position, checking integrity, expiry and that it
// was issued for the same query.
func (s *Sealer) Open(token, query string, position any) error {
	sealed, err := base64.RawURLEncoding.DecodeString(token)
	if err != nil || len(sealed) < s.aead.NonceSize() {
		return ErrInvalid
	}
	n := s.aead.NonceSize()
	plain, err := s.aead.Open(nil, sealed[:n], sealed[n:], nil)
	if err != nil {
		return ErrInvalid
	}
	var p payload
	if json.Unmarshal(plain, &p) != nil || string(p.Query) != string(digest(query)) {
		return ErrInvalid
	}
	if s.now().Unix() > p.Expiry {
		return fmt.Errorf("%w: expired", ErrInvalid)
	}
	if json.Unmarshal(p.Position, position) != nil {
		return ErrInvalid
	}
	return nil
}

func digest(query string) []byte {
	sum := sha256.Sum256([]byte(query))
	return sum[:16]
}
