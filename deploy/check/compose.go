package main

import (
	"context"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/compose-spec/compose-go/v2/cli"
	"github.com/compose-spec/compose-go/v2/types"
)

// composeSecrets are the variables the Compose file must take from the
// environment (deploy/.env), each standing for a secret.
var composeSecrets = []string{"SAS_SERVICE_SECRET", "SAS_PAGE_TOKEN_KEY", "SAS_POSTGRES_PASSWORD"}

// composeNeeds are the services the suite must have.
var composeNeeds = []string{"accounts", "directory", "availability", "search", "gateway", "postgres", "redis", "otel-collector"}

// checkCompose loads the Compose file as docker compose does (validated
// against the Compose specification's schema) and checks its services.
func checkCompose(r *Report, deploy string, src *Source) {
	file := filepath.Join(deploy, "compose.yaml")
	env := []string{}
	for _, name := range composeSecrets {
		env = append(env, name+"="+sentinel(name))
	}
	opts, err := cli.NewProjectOptions([]string{file}, cli.WithWorkingDirectory(deploy), cli.WithEnv(env), cli.WithName("sas"))
	if err != nil {
		r.Fail(file, "", "%v", err)
		return
	}
	project, err := opts.LoadProject(context.Background())
	if err != nil {
		r.Fail(file, "", "%v", err)
		return
	}
	failures := r.failures
	for _, name := range composeNeeds {
		if _, ok := project.Services[name]; !ok {
			r.Fail(file, "", "no service %s", name)
		}
	}
	names := make([]string, 0, len(project.Services))
	for name := range project.Services {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		checkComposeService(func(format string, args ...any) { r.Fail(file, "service "+name, format, args...) },
			project.Services[name], deploy, src)
	}
	if r.failures == failures {
		r.OK(file, "%d services valid against the Compose specification; images pinned, secrets from deploy/.env, settings read by the binaries", len(project.Services))
	}
}

func sentinel(name string) string { return "from-env-" + strings.ToLower(name) }

func checkComposeService(fail func(string, ...any), svc types.ServiceConfig, deploy string, src *Source) {
	if tag := imageTag(svc.Image); svc.Image == "" || tag == "" || tag == "latest" {
		fail("image %q: pin a tag, never latest", svc.Image)
	}
	for _, v := range svc.Volumes {
		if v.Type == types.VolumeTypeBind {
			if _, err := os.Stat(v.Source); err != nil {
				fail("mounts %s, which does not exist", v.Source)
			}
		}
	}
	if svc.Build == nil {
		return
	}
	dockerfile := filepath.Join(svc.Build.Context, svc.Build.Dockerfile)
	if _, err := os.Stat(dockerfile); err != nil {
		fail("build: %v", err)
		return
	}
	bin := strings.TrimSuffix(filepath.Base(dockerfile), ".Dockerfile")
	for key, value := range svc.Environment {
		if strings.HasPrefix(key, "SAS_") {
			if problem := src.CheckEnv(bin, key); problem != "" {
				fail("%s", problem)
			}
		}
		v := ""
		if value != nil {
			v = *value
		}
		switch key {
		case "SAS_SERVICE_SECRET", "SAS_PAGE_TOKEN_KEY":
			if v != sentinel(key) {
				fail("%s must come from deploy/.env (${%s:?...}), not a value", key, key)
			}
		case "SAS_POSTGRES_URL":
			if !strings.Contains(v, sentinel("SAS_POSTGRES_PASSWORD")) {
				fail("SAS_POSTGRES_URL must take its password from deploy/.env (${SAS_POSTGRES_PASSWORD:?...})")
			}
		}
	}
}
