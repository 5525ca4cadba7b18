package main

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
)

// Source is what the checks know of the services' code: the settings each
// binary reads.
type Source struct {
	repo string
	// settings maps a binary (accounts, directory, availability, search,
	// gateway) to its environment variables and flags.
	settings map[string]Settings
}

// Settings are the environment variables and flags of one binary.
type Settings struct {
	Env   map[string]bool
	Flags map[string]bool
}

// declaration matches set.String(&x, "flag-name", "SAS_NAME", ...).
var declaration = regexp.MustCompile(`set\.\w+\(&?[^,]+,\s*"([a-z0-9-]+)",\s*"([A-Z0-9_]+)"`)

// loadSource reads the settings from services/platform/app/settings.go
// (every service binary) and the gateway's main.
func loadSource(repo string) (*Source, error) {
	settings, err := os.ReadFile(filepath.Join(repo, "services/platform/app/settings.go"))
	if err != nil {
		return nil, fmt.Errorf("services' settings: %w", err)
	}
	gatewayMain, err := os.ReadFile(filepath.Join(repo, "services/cmd/gateway/main.go"))
	if err != nil {
		return nil, fmt.Errorf("gateway settings: %w", err)
	}
	text := string(settings)
	http, common := funcBody(text, "declareHTTP"), funcBody(text, "declareCommon")
	if http == "" || common == "" {
		return nil, fmt.Errorf("services/platform/app/settings.go: declareHTTP or declareCommon not found: update deploy/check/source.go")
	}
	service := declared(text)
	for name := range declared(http).Env {
		delete(service.Env, name)
	}
	for name := range declared(http).Flags {
		delete(service.Flags, name)
	}
	gateway := declared(http + common + string(gatewayMain))
	s := &Source{repo: repo, settings: map[string]Settings{"gateway": gateway}}
	for _, name := range []string{"accounts", "directory", "availability", "search", "sasd"} {
		s.settings[name] = service
	}
	return s, nil
}

// funcBody returns the body of the method name in Go source text.
func funcBody(text, name string) string {
	i := strings.Index(text, ") "+name+"(")
	if i < 0 {
		return ""
	}
	end := strings.Index(text[i:], "\n}\n")
	if end < 0 {
		return ""
	}
	return text[i : i+end]
}

func declared(text string) Settings {
	s := Settings{Env: map[string]bool{}, Flags: map[string]bool{}}
	for _, m := range declaration.FindAllStringSubmatch(text, -1) {
		s.Flags["-"+m[1]] = true
		s.Env[m[2]] = true
	}
	return s
}

// CheckEnv reports whether binary reads the environment variable name:
// "" when it does, else why not.
func (s *Source) CheckEnv(binary, name string) (problem string) {
	return s.check(binary, name, s.settings[binary].Env)
}

// CheckFlag reports whether binary takes the flag (given as "-name").
func (s *Source) CheckFlag(binary, flag string) (problem string) {
	if i := strings.Index(flag, "="); i >= 0 {
		flag = flag[:i]
	}
	return s.check(binary, flag, s.settings[binary].Flags)
}

func (s *Source) check(binary, name string, known map[string]bool) string {
	if _, ok := s.settings[binary]; !ok {
		return fmt.Sprintf("no binary %q in the repository", binary)
	}
	if known[name] {
		return ""
	}
	return fmt.Sprintf("%s does not read %s", binary, name)
}
