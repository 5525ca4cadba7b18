// Package logging builds the JSON slog loggers of the services. Every line
// logged with a context carries the trace, span and request ids of that
// context. Technical logs never carry personal data: nothing here logs
// request or response bodies, and callers must not either.
package logging

import (
	"fmt"
	"io"
	"log/slog"
	"strings"
)

// New returns a JSON logger writing to w the records at level and above,
// each tagged with service and with the correlation ids of its context.
func New(w io.Writer, level slog.Level, service string) *slog.Logger {
	json := slog.NewJSONHandler(w, &slog.HandlerOptions{Level: level})
	return slog.New(NewContextHandler(json)).With(slog.String("service", service))
}

// ParseLevel parses a level name as written in configuration: "debug",
// "info", "warn" (or "warning") and "error", in any case, optionally with an
// offset such as "info+2".
func ParseLevel(s string) (slog.Level, error) {
	name := strings.ToLower(strings.TrimSpace(s))
	if rest, ok := strings.CutPrefix(name, "warning"); ok {
		name = "warn" + rest
	}
	var level slog.Level
	if err := level.UnmarshalText([]byte(name)); err != nil {
		return 0, fmt.Errorf("parse log level %q: %w", s, err)
	}
	return level, nil
}
