// Command check validates deploy/ offline: the Kustomize base and overlays
// rendered and decoded strictly into the Kubernetes API types, with the
// platform's rules (probes, resources, secrets referenced, network policies
// matching the design's calls, Pod Security "restricted"); the Compose file
// against the Compose specification; the Dockerfiles with BuildKit's parser
// and linter plus the platform's rules; the Prometheus alert rules; the
// Grafana dashboard; the collector configuration; and the metric catalogue
// against the code. It exits 1 when anything fails.
package main

import (
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
)

func main() {
	deploy := flag.String("deploy", "..", "the deploy/ folder")
	repo := flag.String("repo", "../..", "the repository root (for the services' settings and metrics)")
	flag.Parse()
	if err := run(os.Stdout, *deploy, *repo); err != nil {
		fmt.Fprintln(os.Stderr, "deploy check:", err)
		os.Exit(1)
	}
}

// run checks everything under deploy and prints a line per check.
func run(w io.Writer, deploy, repo string) error {
	deploy, _ = filepath.Abs(deploy)
	repo, _ = filepath.Abs(repo)
	r := &Report{w: w, root: deploy}
	src, err := loadSource(repo)
	if err != nil {
		return err
	}
	catalogue := checkCatalogue(r, deploy, repo)
	checkKube(r, deploy, src)
	checkCompose(r, deploy, src)
	checkDockerfiles(r, deploy, repo)
	checkRules(r, deploy, catalogue)
	checkDashboard(r, deploy, catalogue)
	checkCollector(r, filepath.Join(deploy, "compose", "otel-collector.yaml"))
	return r.Done()
}
