package main

import (
	"bytes"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestDeployPasses checks the repository's own deploy/.
func TestDeployPasses(t *testing.T) {
	var out bytes.Buffer
	if err := run(&out, "..", "../.."); err != nil {
		t.Fatalf("deploy check: %v\n%s", err, out.String())
	}
}

// breakage changes one file of a copy of deploy/.
type breakage struct {
	name, file string
	old, new   string // old must occur in file; "" appends new
	// want is in the failure printed.
	want []string
}

var breakages = []breakage{
	{"unknown field", "k8s/base/search.yaml", "          readinessProbe:", "          readinessProbes:",
		[]string{"Deployment/search", "base/search.yaml", `unknown field "spec.template.spec.containers[0].readinessProbes"`}},
	{"wrong type", "k8s/base/accounts.yaml", "  replicas: 2", "  replicas: two",
		[]string{"Deployment/accounts", "base/accounts.yaml"}},
	{"bad quantity", "k8s/base/directory.yaml", "memory: 256Mi", "memory: 256MB",
		[]string{"Deployment/directory", "quantities must match"}},
	{"unknown kind", "k8s/base/autoscaling.yaml", "kind: HorizontalPodAutoscaler", "kind: HorizontalPodScaler",
		[]string{"HorizontalPodScaler"}},
	{"inlined Secret", "k8s/base/migrate-job.yaml", "", "---\napiVersion: v1\nkind: Secret\nmetadata:\n  name: sas-platform\nstringData:\n  service-secret: hunter2\n",
		[]string{"Secret/sas-platform", "Secrets are created by the operator"}},
	{"secret as a value", "k8s/base/search.yaml", "            - name: SAS_REDIS_URL\n              valueFrom:\n                secretKeyRef:\n                  name: sas-redis\n                  key: url\n",
		"            - name: SAS_REDIS_URL\n              value: redis://redis:6379/0\n",
		[]string{"Deployment/search", "SAS_REDIS_URL is a secret"}},
	{"setting not read", "k8s/base/availability.yaml", "SAS_VENDOR_SECRETS_DIR", "SAS_VENDOR_SECRET_DIR",
		[]string{"Deployment/availability", "availability does not read SAS_VENDOR_SECRET_DIR"}},
	{"no liveness probe", "k8s/base/gateway.yaml", "          livenessProbe:\n            httpGet:\n              path: /healthz\n              port: http\n            periodSeconds: 10\n            timeoutSeconds: 3\n            failureThreshold: 3\n", "",
		[]string{"Deployment/gateway", "no liveness probe"}},
	{"root user", "k8s/base/directory.yaml", "        runAsUser: 65532", "        runAsUser: 0",
		[]string{"Deployment/directory", "Pod Security restricted"}},
	{"latest image", "k8s/overlays/production/kustomization.yaml", "    newName: registry.sas.example/sas/search\n    newTag: 0.1.0", "    newName: registry.sas.example/sas/search\n    newTag: latest",
		[]string{"overlays/production", "Deployment/search", "never latest"}},
	{"gRPC service not headless", "k8s/base/directory.yaml", "  clusterIP: None\n", "",
		[]string{"Service/directory", "headless"}},
	{"replicas beside an HPA", "k8s/base/search.yaml", "  revisionHistoryLimit: 5", "  replicas: 3\n  revisionHistoryLimit: 5",
		[]string{"HorizontalPodAutoscaler/search", "the autoscaler owns that field"}},
	{"call not in the design", "k8s/base/networkpolicies.yaml", "  policyTypes:\n    - Ingress\n    - Egress\n---",
		"  policyTypes:\n    - Ingress\n    - Egress\n---\napiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: open\nspec:\n  podSelector: {}\n  policyTypes: [Ingress, Egress]\n  ingress: [{}]\n  egress: [{}]\n---",
		[]string{"NetworkPolicies", "search -> gateway", "not in the design"}},
	{"design call blocked", "k8s/base/networkpolicies.yaml", "                  - gateway\n                  - search\n", "                  - gateway\n",
		[]string{"NetworkPolicies", "availability", "the design needs search -> availability"}},
	{"undocumented Secret", "k8s/base/search.yaml", "name: sas-redis", "name: sas-cache",
		[]string{"Secret sas-cache", "deploy/README.md"}},
	{"Dockerfile as casing", "docker/search.Dockerfile", "AS build", "as build",
		[]string{"search.Dockerfile", "FromAsCasing"}},
	{"Dockerfile root user", "docker/accounts.Dockerfile", "USER 65532:65532", "USER root",
		[]string{"accounts.Dockerfile", "numeric non-root"}},
	{"Dockerfile latest base", "docker/gateway.Dockerfile", "ARG GO_VERSION=1.26.8", "ARG GO_VERSION=latest",
		[]string{"gateway.Dockerfile", "FROM golang:latest: pin a tag"}},
	{"Dockerfile without health check", "docker/directory.Dockerfile", "HEALTHCHECK --interval=10s --timeout=5s --start-period=60s --retries=3 \\\n    CMD", "CMD",
		[]string{"directory.Dockerfile", "no HEALTHCHECK"}},
	{"Dockerfile on a full OS", "docker/sasd.Dockerfile", "ARG RUNTIME_IMAGE=gcr.io/distroless/static-debian12:nonroot", "ARG RUNTIME_IMAGE=debian:13",
		[]string{"sasd.Dockerfile", "want gcr.io/distroless"}},
	{"Dockerfile builds a missing package", "docker/search.Dockerfile", "./services/search/cmd/search", "./services/search/cmd/serch",
		[]string{"search.Dockerfile", "no such package"}},
	{"Compose secret inlined", "compose.yaml", "SAS_SERVICE_SECRET: ${SAS_SERVICE_SECRET:?set SAS_SERVICE_SECRET in deploy/.env}", "SAS_SERVICE_SECRET: hunter2",
		[]string{"compose.yaml", "SAS_SERVICE_SECRET must come from deploy/.env"}},
	{"Compose invalid", "compose.yaml", "    image: sas/search:dev", "    image: sas/search:dev\n    buidl: .",
		[]string{"compose.yaml", "buidl"}},
	{"rule does not parse", "observability/alerts.yaml", "min by (job, instance) (sas_search_cache_available) == 0", "min by (job, instance) (sas_search_cache_available == 0",
		[]string{"alerts.yaml", "SASSearchCacheDown"}},
	{"rule on an unknown metric", "observability/alerts.yaml", "max by (vendor) (sas_availability_pull_breaker_state_ratio)", "max by (vendor) (sas_availability_pull_breaker_state)",
		[]string{"alerts.yaml", "SASVendorBreakerOpen", `"sas_availability_pull_breaker_state" is not in`}},
	{"rule on an unknown label", "observability/alerts.yaml", `outcome="refused"`, `result="refused"`,
		[]string{"alerts.yaml", "SASVendorPushesRefused", `has no label "result"`}},
	{"rule without severity", "observability/alerts.yaml", "          severity: critical\n        annotations:\n          summary: \"gateway:", "          team: sas\n        annotations:\n          summary: \"gateway:",
		[]string{"alerts.yaml", "SASGatewayServerErrors", "severity"}},
	{"panel without datasource", "observability/dashboard.json", "cache down; skip: not cacheable).\",\n      \"datasource\": {\n        \"type\": \"prometheus\",", "cache down; skip: not cacheable).\",\n      \"datasource\": {\n        \"type\": \"loki\",",
		[]string{"dashboard.json", `"Cache hit ratio"`}},
	{"panel on an unknown metric", "observability/dashboard.json", "max by (import) (sas_directory_import_progress_ratio)", "max by (import) (sas_directory_import_progress)",
		[]string{"dashboard.json", "Import progress", "not in deploy/observability/metrics.yaml", "no panel on import progress"}},
	{"catalogue out of date", "observability/metrics.yaml", "instrument: sas.search.feed.lag\n", "instrument: sas.search.feed.delay\n",
		[]string{"metrics.yaml", "sas_search_feed_lag_seconds", "no longer declares"}},
	{"collector component missing", "compose/otel-collector.yaml", "exporters: [otlp/jaeger]", "exporters: [otlp/tempo]",
		[]string{"otel-collector.yaml", `exporter "otlp/tempo" is used but not configured`}},
}

func TestBreakagesFail(t *testing.T) {
	repo, _ := filepath.Abs("../..")
	for _, b := range breakages {
		t.Run(b.name, func(t *testing.T) {
			t.Parallel()
			dir := copyDeploy(t)
			file := filepath.Join(dir, b.file)
			raw, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			text := string(raw)
			if b.old == "" {
				text += b.new
			} else if !strings.Contains(text, b.old) {
				t.Fatalf("%s does not contain %q: update the test", b.file, b.old)
			} else {
				text = strings.Replace(text, b.old, b.new, 1)
			}
			if err := os.WriteFile(file, []byte(text), 0o644); err != nil {
				t.Fatal(err)
			}
			var out bytes.Buffer
			if err := run(&out, dir, repo); err == nil {
				t.Fatalf("check passed on a broken deploy/:\n%s", out.String())
			}
			for _, w := range b.want {
				if !strings.Contains(failures(out.String()), w) {
					t.Errorf("no failure mentions %q:\n%s", w, failures(out.String()))
				}
			}
		})
	}
}

// failures keeps the FAIL lines of a check's output.
func failures(out string) string {
	var lines []string
	for _, l := range strings.Split(out, "\n") {
		if strings.HasPrefix(l, "FAIL ") {
			lines = append(lines, l)
		}
	}
	return strings.Join(lines, "\n")
}

// copyDeploy copies deploy/ but check/ into a temporary folder's deploy/
// (Compose builds from its parent) and returns the copy.
func copyDeploy(t *testing.T) string {
	t.Helper()
	dst := filepath.Join(t.TempDir(), "deploy")
	err := filepath.WalkDir("..", func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel("..", path)
		if rel == "check" || rel == ".env" {
			return fs.SkipDir
		}
		if d.IsDir() {
			return os.MkdirAll(filepath.Join(dst, rel), 0o755)
		}
		raw, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(dst, rel), raw, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
	return dst
}
