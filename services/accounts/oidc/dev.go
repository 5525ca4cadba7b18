package oidc

import (
	"context"
	"encoding/json"
	"net/http"
	"sync"
	"time"

	"github.com/go-jose/go-jose/v4"
	"github.com/go-jose/go-jose/v4/jwt"

	"github.com/sas-platform/sas/services/platform/auth"
)

// DevIssuer is the built-in OIDC issuer of development and demos: it signs
// an ID token for any e-mail asked. Never trust it in production.
type DevIssuer struct {
	URL string
	key auth.SigningKey
}

// DevIssuerURL is the issuer name of the development issuer.
const DevIssuerURL = "sas-dev-oidc"

var (
	devOnce sync.Once
	dev     *DevIssuer
)

// Dev returns the process's development issuer (one key per process).
func Dev() *DevIssuer {
	devOnce.Do(func() {
		k, err := auth.NewSigningKey(time.Now())
		if err != nil {
			panic(err)
		}
		dev = &DevIssuer{URL: DevIssuerURL, key: k}
	})
	return dev
}

// Issue signs a 5-minute ID token for email (and nationalID, when set) to clientID.
func (d *DevIssuer) Issue(clientID, email, nationalID string) (string, error) {
	now := time.Now()
	return auth.Sign(d.key, struct {
		jwt.Claims
		Email             string `json:"email,omitempty"`
		PreferredUsername string `json:"preferred_username,omitempty"`
	}{
		Claims: jwt.Claims{Issuer: d.URL, Subject: email + nationalID, Audience: jwt.Audience{clientID},
			IssuedAt: jwt.NewNumericDate(now), Expiry: jwt.NewNumericDate(now.Add(5 * time.Minute)), ID: auth.NewTokenID()},
		Email: email, PreferredUsername: nationalID,
	})
}

// Keys is the issuer's key set.
func (d *DevIssuer) Keys(context.Context) (*jose.JSONWebKeySet, error) {
	return &jose.JSONWebKeySet{Keys: []jose.JSONWebKey{d.key.Public()}}, nil
}

// Handler serves POST {prefix}/token (form or JSON field "email", optional
// "national_id") answering {"id_token": ...}, and GET {prefix}/jwks.
func (d *DevIssuer) Handler(prefix, clientID string) http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("POST "+prefix+"/token", func(w http.ResponseWriter, r *http.Request) {
		var in struct {
			Email      string `json:"email"`
			NationalID string `json:"national_id"`
		}
		if r.Header.Get("Content-Type") == "application/json" {
			_ = json.NewDecoder(http.MaxBytesReader(w, r.Body, 4096)).Decode(&in)
		} else {
			in.Email, in.NationalID = r.FormValue("email"), r.FormValue("national_id")
		}
		if in.Email == "" && in.NationalID == "" {
			http.Error(w, `{"error":"email or national_id required"}`, http.StatusBadRequest)
			return
		}
		tok, err := d.Issue(clientID, in.Email, in.NationalID)
		if err != nil {
			http.Error(w, `{"error":"cannot sign"}`, http.StatusInternalServerError)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(map[string]string{"id_token": tok})
	})
	mux.HandleFunc("GET "+prefix+"/jwks", func(w http.ResponseWriter, r *http.Request) {
		set, _ := d.Keys(r.Context())
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(set)
	})
	return mux
}
