package main

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"

	"github.com/prometheus/otlptranslator"
	sigsyaml "sigs.k8s.io/yaml"
)

// Metric is an entry of deploy/observability/metrics.yaml.
type Metric struct {
	Name       string   `json:"name"`
	Instrument string   `json:"instrument"`
	Type       string   `json:"type"`
	Unit       string   `json:"unit,omitempty"`
	Labels     []string `json:"labels"`
	Source     string   `json:"source"`
	GoMod      string   `json:"gomod,omitempty"`
	Help       string   `json:"help"`
}

// Catalogue maps the Prometheus names of the catalogue to their entries.
type Catalogue map[string]Metric

var metricTypes = map[string]otlptranslator.MetricType{
	"counter":   otlptranslator.MetricTypeMonotonicCounter,
	"gauge":     otlptranslator.MetricTypeGauge,
	"histogram": otlptranslator.MetricTypeHistogram,
}

// checkCatalogue loads the metric catalogue and checks each entry: its
// Prometheus name is what the collector's exporter derives, and its
// instrument is still declared where it says.
func checkCatalogue(r *Report, deploy, repo string) Catalogue {
	file := filepath.Join(deploy, "observability", "metrics.yaml")
	raw, err := os.ReadFile(file)
	if err != nil {
		r.Fail(file, "", "%v", err)
		return nil
	}
	var doc struct {
		Metrics []Metric `json:"metrics"`
	}
	if err := sigsyaml.UnmarshalStrict(raw, &doc); err != nil {
		r.Fail(file, "", "%v", err)
		return nil
	}
	namer := otlptranslator.NewMetricNamer("", otlptranslator.UnderscoreEscapingWithSuffixes)
	c := Catalogue{}
	failures := r.failures
	for _, m := range doc.Metrics {
		c[m.Name] = m
		typ, ok := metricTypes[m.Type]
		if !ok {
			r.Fail(file, m.Name, "type %q: want counter, gauge or histogram", m.Type)
			continue
		}
		name, err := namer.Build(otlptranslator.Metric{Name: m.Instrument, Unit: m.Unit, Type: typ})
		if err != nil || name != m.Name {
			r.Fail(file, m.Name, "the exporter names %s (%s, unit %q) %q", m.Instrument, m.Type, m.Unit, name)
		}
		if err := declaredAt(repo, m); err != nil {
			r.Fail(file, m.Name, "%v", err)
		}
	}
	if r.failures == failures {
		r.OK(file, "%d metrics: names as the collector's prometheus exporter derives them, instruments declared in the code", len(c))
	}
	return c
}

// declaredAt checks that m's instrument is declared in its source: a Go file
// of the repository quoting its name, or an instrumentation module at the
// version the named go.mod requires.
func declaredAt(repo string, m Metric) error {
	if module, version, ok := strings.Cut(m.Source, "@"); ok {
		raw, err := os.ReadFile(filepath.Join(repo, m.GoMod))
		if err != nil {
			return fmt.Errorf("gomod: %w", err)
		}
		if !regexp.MustCompile(`(?m)^\s*(require\s+)?` + regexp.QuoteMeta(module) + `\s+` + regexp.QuoteMeta(version) + `\b`).Match(raw) {
			return fmt.Errorf("%s no longer requires %s %s: check the instrument's name in that version, then update the catalogue", m.GoMod, module, version)
		}
		return nil
	}
	raw, err := os.ReadFile(filepath.Join(repo, m.Source))
	if err != nil {
		return fmt.Errorf("source: %w", err)
	}
	if !strings.Contains(string(raw), `"`+m.Instrument+`"`) {
		return fmt.Errorf("%s no longer declares the instrument %q", m.Source, m.Instrument)
	}
	return nil
}

// series are the names a metric is queried by: histograms by their
// _bucket, _sum and _count series.
func (c Catalogue) series() map[string]bool {
	out := map[string]bool{}
	for name, m := range c {
		if m.Type == "histogram" {
			for _, s := range []string{"_bucket", "_sum", "_count"} {
				out[name+s] = true
			}
			continue
		}
		out[name] = true
	}
	return out
}
