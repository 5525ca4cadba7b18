package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"

	accountsv1 "github.com/sas-platform/sas/gen/sas/accounts/v1"
)

// tokenFile is where login keeps the access token: $SAS_TOKEN_FILE, else
// the user's config folder.
func tokenFile(getenv func(string) string) string {
	if f := getenv("SAS_TOKEN_FILE"); f != "" {
		return f
	}
	dir, err := os.UserConfigDir()
	if err != nil {
		dir = "."
	}
	return filepath.Join(dir, "sas", "token")
}

// dial connects to addr sending the access token of $SAS_TOKEN or of the
// token file, when there is one.
func dial(addr string, getenv func(string) string) (*grpc.ClientConn, error) {
	opts := []grpc.DialOption{grpc.WithTransportCredentials(insecure.NewCredentials())}
	tok := getenv("SAS_TOKEN")
	if tok == "" {
		if raw, err := os.ReadFile(tokenFile(getenv)); err == nil {
			tok = strings.TrimSpace(string(raw))
		}
	}
	if tok != "" {
		opts = append(opts, grpc.WithPerRPCCredentials(bearer(tok)))
	}
	conn, err := grpc.NewClient(addr, opts...)
	if err != nil {
		return nil, fmt.Errorf("connect %s: %w", addr, err)
	}
	return conn, nil
}

type bearer string

func (b bearer) GetRequestMetadata(context.Context, ...string) (map[string]string, error) {
	return map[string]string{"authorization": "Bearer " + string(b)}, nil
}
func (bearer) RequireTransportSecurity() bool { return false }

// login exchanges a credential for an access token and stores it: the
// bootstrap client credential written by sasd (default), a vendor's client
// credentials, or an e-mail signed in through sasd's development issuer.
func login(ctx context.Context, addr string, args []string, getenv func(string) string, out io.Writer) error {
	fs := flag.NewFlagSet("login", flag.ContinueOnError)
	credential := fs.String("credential", filepath.Join("var", "bootstrap-admin.json"), "JSON file with client_id and client_secret (sasd writes the bootstrap one)")
	email := fs.String("email", "", "sign in as this account through sasd's development OIDC issuer")
	httpAddr := fs.String("http", "http://localhost:8080", "sasd REST address, for -email")
	if err := fs.Parse(args); err != nil {
		return err
	}
	req := &accountsv1.IssueTokenRequest{}
	if *email != "" {
		idToken, err := devIDToken(ctx, *httpAddr, *email)
		if err != nil {
			return err
		}
		req.Grant = &accountsv1.IssueTokenRequest_IdToken{IdToken: idToken}
	} else {
		raw, err := os.ReadFile(*credential)
		if err != nil {
			return fmt.Errorf("login: read credential: %w (sasd writes it to var/bootstrap-admin.json on its first start)", err)
		}
		var c struct {
			ClientID     string `json:"client_id"`
			ClientSecret string `json:"client_secret"`
		}
		if err := json.Unmarshal(raw, &c); err != nil || c.ClientID == "" {
			return fmt.Errorf("login: %s: want a JSON object with client_id and client_secret", *credential)
		}
		req.Grant = &accountsv1.IssueTokenRequest_ClientCredentials{ClientCredentials: &accountsv1.ClientCredentials{ClientId: c.ClientID, ClientSecret: c.ClientSecret}}
	}
	conn, err := grpc.NewClient(addr, grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		return fmt.Errorf("connect %s: %w", addr, err)
	}
	defer conn.Close()
	resp, err := accountsv1.NewAuthServiceClient(conn).IssueToken(ctx, req)
	if err != nil {
		return fmt.Errorf("login: %w", err)
	}
	path := tokenFile(getenv)
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return err
	}
	if err := os.WriteFile(path, []byte(resp.AccessToken+"\n"), 0o600); err != nil {
		return err
	}
	fmt.Fprintf(out, "signed in; token valid until %s, saved in %s\n", resp.ExpireTime.AsTime().Local().Format(time.DateTime), path)
	return nil
}

func devIDToken(ctx context.Context, httpAddr, email string) (string, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, strings.TrimSuffix(httpAddr, "/")+"/dev/oidc/token",
		strings.NewReader(url.Values{"email": {email}}.Encode()))
	if err != nil {
		return "", err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return "", fmt.Errorf("development issuer: %w", err)
	}
	defer resp.Body.Close()
	var body struct {
		IDToken string `json:"id_token"`
	}
	if err := json.NewDecoder(io.LimitReader(resp.Body, 1<<16)).Decode(&body); err != nil || body.IDToken == "" {
		return "", errors.New("development issuer: no id_token in its answer (is SAS_OIDC_ISSUER set?)")
	}
	return body.IDToken, nil
}
