package main

import (
	"log/slog"
	"path/filepath"
	"strings"

	"github.com/prometheus/common/model"
	"github.com/prometheus/prometheus/model/rulefmt"
)

// requiredAlerts are what the platform must alert on, by the metric the
// alert's expression reads.
var requiredAlerts = map[string]string{
	"feed lag":   "sas_search_feed_lag_seconds",
	"error rate": "rpc_server_call_duration_seconds_count",
	"cache down": "sas_search_cache_available",
}

var severities = map[string]bool{"critical": true, "warning": true, "info": true}

// checkRules parses the alert rules as Prometheus does (expressions and
// templates included) and checks them against the catalogue.
func checkRules(r *Report, deploy string, c Catalogue) {
	file := filepath.Join(deploy, "observability", "alerts.yaml")
	groups, errs := rulefmt.ParseFile(file, false, model.LegacyValidation, promqlParser, slog.New(slog.DiscardHandler))
	for _, err := range errs {
		r.Fail(file, "", "%v", err)
	}
	if groups == nil {
		return
	}
	failures, alerts := r.failures, 0
	read := map[string]bool{}
	for _, g := range groups.Groups {
		for _, rule := range g.Rules {
			name := rule.Alert + rule.Record
			alerts++
			used, err := checkQuery(rule.Expr, c)
			if err != nil {
				r.Fail(file, name, "%v", err)
			}
			for _, m := range used {
				read[m] = true
			}
			if rule.Alert == "" {
				continue
			}
			if !severities[rule.Labels["severity"]] {
				r.Fail(file, name, "labels.severity %q: want critical, warning or info", rule.Labels["severity"])
			}
			for _, a := range []string{"summary", "description"} {
				if strings.TrimSpace(rule.Annotations[a]) == "" {
					r.Fail(file, name, "no %s annotation", a)
				}
			}
		}
	}
	for what, metric := range requiredAlerts {
		if !read[metric] {
			r.Fail(file, "", "no alert on %s (%s)", what, metric)
		}
	}
	if r.failures == failures {
		r.OK(file, "%d rules parsed by Prometheus's rulefmt, on catalogued metrics and labels; feed lag, error rate and cache down covered", alerts)
	}
}
