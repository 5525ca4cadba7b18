package logging_test

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"testing"

	"go.opentelemetry.io/otel/trace"

	"github.com/sas-platform/sas/services/platform/logging"
	"github.com/sas-platform/sas/services/platform/requestid"
)

func decode(t *testing.T, buf *bytes.Buffer) map[string]any {
	t.Helper()
	var line map[string]any
	if err := json.Unmarshal(buf.Bytes(), &line); err != nil {
		t.Fatalf("decode %q: %v", buf.String(), err)
	}
	return line
}

func spanContext(t *testing.T) trace.SpanContext {
	t.Helper()
	tid, _ := trace.TraceIDFromHex("0af7651916cd43dd8448eb211c80319c")
	sid, _ := trace.SpanIDFromHex("b7ad6b7169203331")
	return trace.NewSpanContext(trace.SpanContextConfig{TraceID: tid, SpanID: sid, TraceFlags: trace.FlagsSampled})
}

func TestNewAddsCorrelationIDs(t *testing.T) {
	var buf bytes.Buffer
	log := logging.New(&buf, slog.LevelInfo, "directory")
	ctx := trace.ContextWithSpanContext(context.Background(), spanContext(t))
	ctx = requestid.NewContext(ctx, "req-1")

	log.With("k", "v").InfoContext(ctx, "hello")

	line := decode(t, &buf)
	want := map[string]any{
		"msg": "hello", "level": "INFO", "service": "directory", "k": "v",
		"trace_id": "0af7651916cd43dd8448eb211c80319c", "span_id": "b7ad6b7169203331", "request_id": "req-1",
	}
	for k, v := range want {
		if line[k] != v {
			t.Errorf("%s = %v, want %v (line %s)", k, line[k], v, buf.String())
		}
	}
}

func TestNewWithoutContextIDs(t *testing.T) {
	var buf bytes.Buffer
	logging.New(&buf, slog.LevelInfo, "search").InfoContext(context.Background(), "plain")
	line := decode(t, &buf)
	for _, k := range []string{"trace_id", "span_id", "request_id"} {
		if _, ok := line[k]; ok {
			t.Errorf("line has %s: %s", k, buf.String())
		}
	}
}

func TestNewFiltersLevel(t *testing.T) {
	var buf bytes.Buffer
	log := logging.New(&buf, slog.LevelWarn, "search")
	log.Info("dropped")
	if buf.Len() != 0 {
		t.Fatalf("info logged at warn level: %s", buf.String())
	}
	log.Warn("kept")
	if line := decode(t, &buf); line["msg"] != "kept" {
		t.Fatalf("msg = %v, want kept", line["msg"])
	}
}

func TestParseLevel(t *testing.T) {
	tests := []struct {
		in      string
		want    slog.Level
		wantErr bool
	}{
		{"debug", slog.LevelDebug, false},
		{"INFO", slog.LevelInfo, false},
		{" warn ", slog.LevelWarn, false},
		{"warning", slog.LevelWarn, false},
		{"error", slog.LevelError, false},
		{"info+2", slog.LevelInfo + 2, false},
		{"verbose", 0, true},
		{"", 0, true},
	}
	for _, tt := range tests {
		got, err := logging.ParseLevel(tt.in)
		if (err != nil) != tt.wantErr || got != tt.want {
			t.Errorf("ParseLevel(%q) = %v, %v; want %v, error %v", tt.in, got, err, tt.want, tt.wantErr)
		}
	}
}
