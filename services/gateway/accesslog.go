package gateway

import (
	"log/slog"
	"net/http"
	"time"
)

// accessLog writes one log line per request: method, route pattern (or path
// when no route matched), status, duration and request id. It never logs
// query strings or bodies, which can hold personal data.
func accessLog(log *slog.Logger, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		ctx, rt := withRoute(r.Context())
		rec := &recorder{ResponseWriter: w}
		next.ServeHTTP(rec, r.WithContext(ctx))
		if rt.pattern == "" {
			rt.pattern = r.URL.Path
		}
		log.LogAttrs(ctx, levelOf(rec.code()), "http request",
			slog.String("method", r.Method),
			slog.String("route", rt.pattern),
			slog.Int("status", rec.code()),
			slog.Float64("duration_ms", float64(time.Since(start).Microseconds())/1000),
			slog.String("request_id", r.Header.Get(requestIDHeader)),
		)
	})
}

// levelOf returns the log level of a response status: Error for 5xx.
func levelOf(status int) slog.Level {
	if status >= http.StatusInternalServerError {
		return slog.LevelError
	}
	return slog.LevelInfo
}
