package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
)

// requiredPanels are what an operator opens first (issue 7), by metric.
var requiredPanels = map[string]string{
	"RPC rate, errors and duration": "rpc_server_call_duration_seconds_bucket",
	"cache hit ratio":               "sas_search_cache_requests_total",
	"search feed lag":               "sas_search_feed_lag_seconds",
	"availability feed lag":         "sas_availability_feed_lag_seconds",
	"import progress":               "sas_directory_import_progress_ratio",
	"vendor push rates":             "sas_availability_push_slots_total",
}

// panel is the part of a Grafana panel the check reads.
type panel struct {
	ID         int             `json:"id"`
	Type       string          `json:"type"`
	Title      string          `json:"title"`
	Datasource json.RawMessage `json:"datasource"`
	Targets    []struct {
		RefID      string          `json:"refId"`
		Datasource json.RawMessage `json:"datasource"`
		Expr       string          `json:"expr"`
	} `json:"targets"`
	Panels []panel `json:"panels"`
}

type dashboard struct {
	UID           string  `json:"uid"`
	Title         string  `json:"title"`
	SchemaVersion int     `json:"schemaVersion"`
	Panels        []panel `json:"panels"`
	Templating    struct {
		List []struct {
			Name  string `json:"name"`
			Type  string `json:"type"`
			Query any    `json:"query"`
		} `json:"list"`
	} `json:"templating"`
}

// grafanaVars are Grafana's variables, replaced before parsing PromQL.
var (
	grafanaIntervals = regexp.MustCompile(`\$__(rate_interval|interval|range)\b`)
	grafanaVars      = regexp.MustCompile(`\$\{?\w+\}?`)
)

// checkDashboard checks the Grafana dashboard: it parses, every panel has a
// datasource and PromQL queries on catalogued metrics.
func checkDashboard(r *Report, deploy string, c Catalogue) {
	file := filepath.Join(deploy, "observability", "dashboard.json")
	raw, err := os.ReadFile(file)
	if err != nil {
		r.Fail(file, "", "%v", err)
		return
	}
	var d dashboard
	if err := json.Unmarshal(raw, &d); err != nil {
		r.Fail(file, "", "not a dashboard: %v", err)
		return
	}
	failures := r.failures
	if d.UID == "" || d.Title == "" || d.SchemaVersion == 0 {
		r.Fail(file, "", "uid, title and schemaVersion are required")
	}
	if !hasDatasourceVar(d) {
		r.Fail(file, "", "no templating variable of type datasource (query prometheus)")
	}
	read := map[string]bool{}
	ids := map[int]bool{}
	n := checkPanels(r, file, d.Panels, c, read, ids)
	for what, metric := range requiredPanels {
		if !read[metric] {
			r.Fail(file, "", "no panel on %s (%s)", what, metric)
		}
	}
	if r.failures == failures {
		r.OK(file, "%d panels, each with a datasource and PromQL queries on catalogued metrics", n)
	}
}

func hasDatasourceVar(d dashboard) bool {
	for _, v := range d.Templating.List {
		if v.Type == "datasource" && v.Query == "prometheus" {
			return true
		}
	}
	return false
}

// checkPanels checks panels and the panels of their rows; it returns how
// many query panels it saw.
func checkPanels(r *Report, file string, panels []panel, c Catalogue, read map[string]bool, ids map[int]bool) int {
	n := 0
	for _, p := range panels {
		name := fmt.Sprintf("panel %d %q", p.ID, p.Title)
		if ids[p.ID] {
			r.Fail(file, name, "duplicate panel id")
		}
		ids[p.ID] = true
		if p.Type == "row" {
			n += checkPanels(r, file, p.Panels, c, read, ids)
			continue
		}
		n++
		if !hasDatasource(p.Datasource) {
			r.Fail(file, name, "no datasource")
		}
		if len(p.Targets) == 0 {
			r.Fail(file, name, "no query")
		}
		for _, t := range p.Targets {
			if t.Expr == "" || t.RefID == "" {
				r.Fail(file, name, "query %q: expr and refId are required", t.RefID)
				continue
			}
			expr := grafanaVars.ReplaceAllString(grafanaIntervals.ReplaceAllString(t.Expr, "5m"), "x")
			used, err := checkQuery(expr, c)
			if err != nil {
				r.Fail(file, name, "query %s: %v", t.RefID, err)
			}
			for _, m := range used {
				read[m] = true
			}
		}
	}
	return n
}

func hasDatasource(raw json.RawMessage) bool {
	var ds struct {
		UID  string `json:"uid"`
		Type string `json:"type"`
	}
	return json.Unmarshal(raw, &ds) == nil && ds.UID != "" && ds.Type == "prometheus"
}
