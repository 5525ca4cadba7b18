package main

import (
	"fmt"
	"sort"
	"strings"

	"github.com/prometheus/prometheus/promql/parser"
)

// promqlParser parses expressions as Prometheus does by default.
var promqlParser = parser.NewParser(parser.Options{})

// implicitLabels are labels every series has, or that PromQL adds.
var implicitLabels = map[string]bool{"job": true, "instance": true, "__name__": true}

// checkQuery parses expr and checks its metrics against the catalogue: every
// selector names a catalogued series and matches only its labels. It
// returns the metrics used.
func checkQuery(expr string, c Catalogue) ([]string, error) {
	node, err := promqlParser.ParseExpr(expr)
	if err != nil {
		return nil, err
	}
	series := c.series()
	var used, problems []string
	parser.Inspect(node, func(n parser.Node, _ []parser.Node) error {
		vs, ok := n.(*parser.VectorSelector)
		if !ok {
			return nil
		}
		if !series[vs.Name] {
			problems = append(problems, fmt.Sprintf("%q is not in deploy/observability/metrics.yaml", vs.Name))
			return nil
		}
		used = append(used, vs.Name)
		m := c.metricOf(vs.Name)
		for _, lm := range vs.LabelMatchers {
			if !implicitLabels[lm.Name] && !(lm.Name == "le" && strings.HasSuffix(vs.Name, "_bucket")) && !contains(m.Labels, lm.Name) {
				problems = append(problems, fmt.Sprintf("%s has no label %q (labels: %s)", vs.Name, lm.Name, strings.Join(m.Labels, ", ")))
			}
		}
		return nil
	})
	if len(problems) > 0 {
		return used, fmt.Errorf("%s", strings.Join(problems, "; "))
	}
	sort.Strings(used)
	return used, nil
}

// metricOf returns the catalogue entry of a series name.
func (c Catalogue) metricOf(series string) Metric {
	if m, ok := c[series]; ok {
		return m
	}
	for _, s := range []string{"_bucket", "_sum", "_count"} {
		if m, ok := c[strings.TrimSuffix(series, s)]; ok && m.Type == "histogram" {
			return m
		}
	}
	return Metric{}
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}
