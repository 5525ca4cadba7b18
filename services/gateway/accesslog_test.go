package gateway_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func TestAccessLog(t *testing.T) {
	var buf bytes.Buffer
	e := newEnv(t, &buf)
	cases := []struct {
		name   string
		target string
		route  string
		status int
	}{
		{"route pattern", "/v1/territories/SAS-44?secret=s3cret", "/v1/{name=territories/*}", http.StatusOK},
		{"query not logged", "/v1/territories?pageSize=5&filter=s3cret", "/v1/territories", http.StatusOK},
		{"error status", "/v1/territories/SAS-99", "/v1/{name=territories/*}", http.StatusNotFound},
		{"unmatched path", "/v2/nowhere?secret=s3cret", "/v2/nowhere", http.StatusNotFound},
		{"probe", "/healthz", "/healthz", http.StatusOK},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			buf.Reset()
			req := httptest.NewRequest(http.MethodGet, tc.target, nil)
			req.Header.Set("X-Request-Id", "log-1")
			e.handler.ServeHTTP(httptest.NewRecorder(), req)
			line := buf.String()
			if strings.Count(line, "\n") != 1 || strings.Contains(line, "s3cret") {
				t.Fatalf("want one line without the query, got %q", line)
			}
			checkLogLine(t, line, tc.route, tc.status)
		})
	}
}

// checkLogLine checks the fields of one JSON access log line.
func checkLogLine(t *testing.T, line, route string, status int) {
	t.Helper()
	var got struct {
		Method     string   `json:"method"`
		Route      string   `json:"route"`
		Status     int      `json:"status"`
		DurationMS *float64 `json:"duration_ms"`
		RequestID  string   `json:"request_id"`
	}
	if err := json.Unmarshal([]byte(line), &got); err != nil {
		t.Fatalf("decode log line %q: %v", line, err)
	}
	if got.Method != http.MethodGet || got.Route != route || got.Status != status || got.RequestID != "log-1" || got.DurationMS == nil {
		t.Errorf("log line %q: want GET %s %d log-1 with duration_ms", line, route, status)
	}
}
