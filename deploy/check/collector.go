package main

import (
	"os"
	"sort"
	"strings"

	sigsyaml "sigs.k8s.io/yaml"
)

// collectorConfig is the shape of an OpenTelemetry collector configuration.
type collectorConfig struct {
	Receivers  map[string]any `json:"receivers"`
	Processors map[string]any `json:"processors"`
	Exporters  map[string]any `json:"exporters"`
	Connectors map[string]any `json:"connectors"`
	Extensions map[string]any `json:"extensions"`
	Service    struct {
		Extensions []string `json:"extensions"`
		Pipelines  map[string]struct {
			Receivers  []string `json:"receivers"`
			Processors []string `json:"processors"`
			Exporters  []string `json:"exporters"`
		} `json:"pipelines"`
		Telemetry map[string]any `json:"telemetry"`
	} `json:"service"`
}

// checkCollector checks the collector's configuration: every component a
// pipeline names is configured, and metrics go to the prometheus exporter
// the dashboard and alert rules are written against.
func checkCollector(r *Report, file string) {
	raw, err := os.ReadFile(file)
	if err != nil {
		r.Fail(file, "", "%v", err)
		return
	}
	var c collectorConfig
	if err := sigsyaml.UnmarshalStrict(raw, &c); err != nil {
		r.Fail(file, "", "%v", err)
		return
	}
	failures := r.failures
	defined := func(kind string, set map[string]any, names []string) {
		for _, n := range names {
			if _, ok := set[n]; !ok {
				r.Fail(file, "", "%s %q is used but not configured", kind, n)
			}
		}
	}
	defined("extension", c.Extensions, c.Service.Extensions)
	names := make([]string, 0, len(c.Service.Pipelines))
	for name := range c.Service.Pipelines {
		names = append(names, name)
	}
	sort.Strings(names)
	prometheus := false
	for _, name := range names {
		p := c.Service.Pipelines[name]
		if len(p.Receivers) == 0 || len(p.Exporters) == 0 {
			r.Fail(file, "pipeline "+name, "needs receivers and exporters")
		}
		defined("receiver", merge(c.Receivers, c.Connectors), p.Receivers)
		defined("processor", c.Processors, p.Processors)
		defined("exporter", merge(c.Exporters, c.Connectors), p.Exporters)
		for _, e := range p.Exporters {
			prometheus = prometheus || (strings.HasPrefix(name, "metrics") && (e == "prometheus" || strings.HasPrefix(e, "prometheus/")))
		}
	}
	if !prometheus {
		r.Fail(file, "", "no metrics pipeline exports to prometheus: the dashboard and alerts read its names")
	}
	if r.failures == failures {
		r.OK(file, "%d pipelines, every component configured; metrics to the prometheus exporter", len(names))
	}
}

func merge(a, b map[string]any) map[string]any {
	out := map[string]any{}
	for k, v := range a {
		out[k] = v
	}
	for k, v := range b {
		out[k] = v
	}
	return out
}
