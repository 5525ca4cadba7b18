package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"

	"github.com/moby/buildkit/client/llb"
	"github.com/moby/buildkit/client/llb/sourceresolver"
	"github.com/moby/buildkit/frontend/dockerfile/dockerfile2llb"
	"github.com/moby/buildkit/frontend/dockerfile/instructions"
	"github.com/moby/buildkit/frontend/dockerfile/parser"
	"github.com/moby/buildkit/frontend/dockerui"
	digest "github.com/opencontainers/go-digest"
)

// offlineImages answers BuildKit's base image look-ups with an empty image
// config, so that its linter runs without a registry.
type offlineImages struct{}

func (offlineImages) ResolveImageConfig(_ context.Context, ref string, _ sourceresolver.Opt) (string, digest.Digest, []byte, error) {
	return ref, "", []byte(`{"architecture":"amd64","os":"linux","config":{}}`), nil
}

var _ llb.ImageMetaResolver = offlineImages{}

// checkDockerfiles lints every deploy/docker/*.Dockerfile with BuildKit's
// own checks (docker build --check) and the platform's rules.
func checkDockerfiles(r *Report, deploy, repo string) {
	files, _ := filepath.Glob(filepath.Join(deploy, "docker", "*.Dockerfile"))
	if len(files) == 0 {
		r.Fail(filepath.Join(deploy, "docker"), "", "no Dockerfile")
	}
	for _, file := range files {
		failures := r.failures
		for _, p := range lintDockerfile(file, repo) {
			r.Fail(file, "", "%s", p)
		}
		if r.failures == failures {
			r.OK(file, "BuildKit lint clean; multi-stage, static, distroless or scratch, numeric non-root user, exec-form health check")
		}
	}
}

// lintDockerfile returns the problems of one Dockerfile.
func lintDockerfile(file, repo string) []string {
	raw, err := os.ReadFile(file)
	if err != nil {
		return []string{err.Error()}
	}
	var problems []string
	results, err := dockerfile2llb.DockerfileLint(context.Background(), raw, dockerfile2llb.ConvertOpt{
		Config:       dockerui.Config{},
		MetaResolver: offlineImages{},
		SourceMap:    sourceMap(file, raw),
	})
	if err != nil {
		return []string{fmt.Sprintf("BuildKit lint: %v", err)}
	}
	for _, w := range results.Warnings {
		line := 0
		if w.Location != nil && len(w.Location.Ranges) > 0 {
			line = int(w.Location.Ranges[0].Start.Line)
		}
		problems = append(problems, fmt.Sprintf("line %d: %s: %s (%s)", line, w.RuleName, w.Detail, w.URL))
	}
	if results.Error != nil {
		problems = append(problems, "BuildKit: "+results.Error.Message)
	}
	ast, err := parser.Parse(bytes.NewReader(raw))
	if err != nil {
		return append(problems, err.Error())
	}
	stages, metaArgs, err := instructions.Parse(ast.AST, nil)
	if err != nil {
		return append(problems, err.Error())
	}
	return append(problems, platformRules(stages, metaArgs, repo)...)
}

// platformRules are the deployment's own rules for images.
func platformRules(stages []instructions.Stage, metaArgs []instructions.ArgCommand, repo string) []string {
	var problems []string
	fail := func(format string, args ...any) { problems = append(problems, fmt.Sprintf(format, args...)) }
	if len(stages) < 2 {
		fail("not multi-stage: build in one stage, ship only the binary")
		return problems
	}
	defaults := map[string]string{}
	for _, a := range metaArgs {
		for _, kv := range a.Args {
			if kv.Value != nil {
				defaults[kv.Key] = *kv.Value
			}
		}
	}
	names := map[string]bool{}
	static := false
	for _, s := range stages {
		base := expandArgs(s.BaseName, defaults)
		if !names[strings.ToLower(base)] {
			checkBase(fail, base)
		}
		names[strings.ToLower(s.Name)] = true
		for _, cmd := range s.Commands {
			if checkBuildCommand(fail, cmd, repo) {
				static = true
			}
		}
	}
	if !static {
		fail("no CGO_ENABLED=0 in the build: the binary must be static for distroless/scratch")
	}
	final := stages[len(stages)-1]
	base := expandArgs(final.BaseName, defaults)
	if !strings.HasPrefix(base, "gcr.io/distroless/") && base != "scratch" {
		fail("final stage FROM %s: want gcr.io/distroless/... or scratch", base)
	}
	checkFinalStage(fail, final)
	return problems
}

var argRef = regexp.MustCompile(`\$\{?(\w+)\}?`)

func expandArgs(s string, defaults map[string]string) string {
	return argRef.ReplaceAllStringFunc(s, func(m string) string { return defaults[argRef.FindStringSubmatch(m)[1]] })
}

// checkBase wants a pinned tag or digest on every base image.
func checkBase(fail func(string, ...any), image string) {
	if image == "scratch" {
		return
	}
	tag := imageTag(image)
	if tag == "" || tag == "latest" {
		fail("FROM %s: pin a tag or digest, never latest", image)
	}
}

var (
	goInstall = regexp.MustCompile(`go install\s+(\S+)`)
	goBuild   = regexp.MustCompile(`go build\b.*\s(\./\S+)`)
)

// checkBuildCommand checks a build-stage command; it reports whether the
// command makes the build static.
func checkBuildCommand(fail func(string, ...any), cmd instructions.Command, repo string) bool {
	switch c := cmd.(type) {
	case *instructions.EnvCommand:
		for _, kv := range c.Env {
			if kv.Key == "CGO_ENABLED" && kv.Value == "0" {
				return true
			}
		}
	case *instructions.RunCommand:
		line := strings.Join(c.CmdLine, " ")
		for _, m := range goInstall.FindAllStringSubmatch(line, -1) {
			if _, version, ok := strings.Cut(m[1], "@"); !ok || version == "latest" {
				fail("go install %s: pin a version", m[1])
			}
		}
		for _, m := range goBuild.FindAllStringSubmatch(line, -1) {
			if _, err := os.Stat(filepath.Join(repo, m[1])); err != nil {
				fail("go build %s: no such package in the repository", m[1])
			}
		}
		return strings.Contains(line, "CGO_ENABLED=0")
	case *instructions.CopyCommand:
		if c.From != "" {
			return false
		}
		for _, src := range c.SourcePaths {
			if _, err := os.Stat(filepath.Join(repo, src)); err != nil {
				fail("COPY %s: not in the repository", src)
			}
		}
	}
	return false
}

// checkFinalStage wants a numeric non-root USER, an exec-form ENTRYPOINT and
// an exec-form HEALTHCHECK whose program the stage copies in (distroless
// has no shell).
func checkFinalStage(fail func(string, ...any), final instructions.Stage) {
	var user string
	var health []string
	copied := map[string]bool{}
	entrypoint := false
	for _, cmd := range final.Commands {
		switch c := cmd.(type) {
		case *instructions.UserCommand:
			user = c.User
		case *instructions.HealthCheckCommand:
			health = c.Health.Test
		case *instructions.CopyCommand:
			copied[c.DestPath] = true
		case *instructions.EntrypointCommand:
			entrypoint = true
			if c.PrependShell {
				fail("ENTRYPOINT in shell form: distroless has no shell, use the JSON form")
			}
		}
	}
	uid, _, _ := strings.Cut(user, ":")
	if uid == "" || strings.Trim(uid, "0123456789") != "" || strings.Trim(uid, "0") == "" {
		fail("final stage USER %q: want a numeric non-root uid (Kubernetes checks runAsNonRoot on numbers)", user)
	}
	if !entrypoint {
		fail("no ENTRYPOINT")
	}
	switch {
	case len(health) == 0:
		fail("no HEALTHCHECK")
	case health[0] != "CMD":
		fail("HEALTHCHECK %s: use the exec form CMD [...] (no shell in the image)", health[0])
	case len(health) < 2 || !copied[health[1]]:
		fail("HEALTHCHECK runs %v, which the final stage does not COPY in", health[1:])
	}
}

// sourceMap names the Dockerfile in BuildKit's lint results.
func sourceMap(file string, raw []byte) *llb.SourceMap {
	sm := llb.NewSourceMap(nil, filepath.Base(file), "Dockerfile", raw)
	sm.Definition = &llb.Definition{}
	return sm
}
