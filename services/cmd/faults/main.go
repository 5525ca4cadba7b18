// Command faults runs the platform's fault scenarios on loopback and writes
// a Markdown report (`make faults`): sasd runs as a child process on a fresh
// PostgreSQL database and the machine's Redis; vendors push and regulators
// search while sasd is killed and restarted, PostgreSQL is restarted and
// Redis is killed and started again. Each scenario ends with a reconciliation
// of what the clients were told against what the platform holds.
//
// It stops and starts the machine's own PostgreSQL and Redis: run it on a
// development or CI machine, never next to anything else using them.
package main

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/jackc/pgx/v5"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"

	accountsv1 "github.com/sas-platform/sas/gen/sas/accounts/v1"
	"github.com/sas-platform/sas/services/accounts"
)

func main() {
	out := flag.String("o", "", "write the Markdown report to this file (default stdout)")
	sasd := flag.String("sasd", ".bin/sasd", "the sasd binary")
	pgAdmin := flag.String("postgres", "postgres://postgres@127.0.0.1:5432/postgres", "PostgreSQL admin URL (a fresh database is made)")
	redisURL := flag.String("redis", "redis://127.0.0.1:6379/0", "Redis URL")
	pros := flag.Int("professionals", 2000, "demo professionals")
	duration := flag.Duration("duration", 15*time.Second, "length of each scenario's load")
	flag.Parse()
	ctx := context.Background()
	r := &report{start: time.Now()}
	dbURL, err := freshDatabase(ctx, *pgAdmin)
	if err != nil {
		log.Fatal(err)
	}
	dir, err := os.MkdirTemp("", "sas-faults-")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	p := &platform{bin: *sasd, dir: dir, args: []string{"-postgres-url", dbURL, "-redis-url", *redisURL,
		"-demo-professionals", fmt.Sprint(*pros), "-log-level", "warn"}}
	if err := p.start(); err != nil {
		log.Fatal(err)
	}
	defer p.stop()
	w, err := newWorld(ctx, p)
	if err != nil {
		log.Fatal(err)
	}
	scenarios := []struct {
		name string
		run  func(context.Context, *world, time.Duration) result
	}{
		{"sasd killed (SIGKILL) and restarted during vendor pushes", killDuringPush},
		{"PostgreSQL restarted during vendor pushes", postgresRestartDuringPush},
		{"Redis killed and restarted during searches", redisKillDuringSearch},
		{"search read model after sasd restarts: reconciled against availability", searchReconcile},
	}
	for _, s := range scenarios {
		log.Printf("scenario: %s", s.name)
		res := s.run(ctx, w, *duration)
		res.name = s.name
		log.Printf("  %s", res.summary())
		r.results = append(r.results, res)
	}
	text := r.markdown()
	if *out == "" {
		fmt.Print(text)
	} else if err := os.WriteFile(*out, []byte(text), 0o644); err != nil {
		log.Fatal(err)
	}
	for _, res := range r.results {
		if !res.ok() {
			os.Exit(1)
		}
	}
}

// freshDatabase creates an empty database and returns its URL.
func freshDatabase(ctx context.Context, admin string) (string, error) {
	conn, err := pgx.Connect(ctx, admin)
	if err != nil {
		return "", fmt.Errorf("PostgreSQL: %w", err)
	}
	defer conn.Close(ctx)
	name := "sas_faults_" + strings.ToLower(rand.Text()[:10])
	if _, err := conn.Exec(ctx, "CREATE DATABASE "+name); err != nil {
		return "", err
	}
	u, err := url.Parse(admin)
	if err != nil {
		return "", err
	}
	u.Path = "/" + name
	return u.String(), nil
}

// platform is sasd as a child process, on fixed loopback ports so that
// clients find it again after a restart.
type platform struct {
	bin, dir   string
	args       []string
	grpc, http string
	cmd        *exec.Cmd
	logs       *os.File
}

func freePort() (string, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer l.Close()
	return l.Addr().String(), nil
}

func (p *platform) start() error {
	if p.grpc == "" {
		var err error
		if p.grpc, err = freePort(); err != nil {
			return err
		}
		if p.http, err = freePort(); err != nil {
			return err
		}
		if p.logs, err = os.Create(filepath.Join(p.dir, "sasd.log")); err != nil {
			return err
		}
	}
	p.cmd = exec.Command(p.bin, append([]string{"-grpc-addr", p.grpc, "-http-addr", p.http, "-data-dir", p.dir}, p.args...)...)
	p.cmd.Stdout, p.cmd.Stderr = io.Discard, p.logs
	p.cmd.Env = os.Environ()
	if err := p.cmd.Start(); err != nil {
		return fmt.Errorf("start sasd: %w", err)
	}
	deadline := time.Now().Add(3 * time.Minute)
	for time.Now().Before(deadline) {
		resp, err := http.Get("http://" + p.http + "/readyz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == 200 {
				return nil
			}
		}
		time.Sleep(100 * time.Millisecond)
	}
	return fmt.Errorf("sasd not ready within 3 minutes (see %s)", p.logs.Name())
}

// kill stops sasd at once, as a crash would.
func (p *platform) kill() {
	_ = p.cmd.Process.Signal(syscall.SIGKILL)
	_ = p.cmd.Wait()
}

func (p *platform) stop() {
	_ = p.cmd.Process.Signal(syscall.SIGTERM)
	done := make(chan struct{})
	go func() { _ = p.cmd.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(30 * time.Second):
		p.kill()
	}
}

// conn dials sasd; calls answered UNAVAILABLE while it is down are retried
// by the caller, with the same request id.
func (p *platform) conn() (*grpc.ClientConn, error) {
	return grpc.NewClient(p.grpc, grpc.WithTransportCredentials(insecure.NewCredentials()))
}

// bootstrap reads the national-admin credential sasd wrote on first start.
func (p *platform) bootstrap() (accounts.Bootstrap, error) {
	var b accounts.Bootstrap
	raw, err := os.ReadFile(filepath.Join(p.dir, accounts.BootstrapFile))
	if err != nil {
		return b, err
	}
	return b, json.Unmarshal(raw, &b)
}

// signIn exchanges client credentials for an access token.
func signIn(ctx context.Context, conn *grpc.ClientConn, id, secret string) (string, error) {
	resp, err := accountsv1.NewAuthServiceClient(conn).IssueToken(ctx, &accountsv1.IssueTokenRequest{Grant: &accountsv1.IssueTokenRequest_ClientCredentials{
		ClientCredentials: &accountsv1.ClientCredentials{ClientId: id, ClientSecret: secret}}})
	if err != nil {
		return "", err
	}
	return resp.GetAccessToken(), nil
}

// devSignIn signs a user in through sasd's development OIDC issuer.
func devSignIn(p *platform, email string) (string, error) {
	resp, err := http.PostForm("http://"+p.http+"/dev/oidc/token", url.Values{"email": {email}})
	if err != nil {
		return "", err
	}
	var id struct {
		IDToken string `json:"id_token"`
	}
	err = json.NewDecoder(resp.Body).Decode(&id)
	resp.Body.Close()
	if err != nil {
		return "", err
	}
	body := strings.NewReader(`{"idToken":"` + id.IDToken + `"}`)
	resp, err = http.Post("http://"+p.http+"/v1/token", "application/json", body)
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	var tok struct {
		AccessToken string `json:"accessToken"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&tok); err != nil || tok.AccessToken == "" {
		return "", errors.Join(errors.New("sign-in refused"), err)
	}
	return tok.AccessToken, nil
}
