package server

import (
	"context"

	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/metric"
)

// pushedSlots counts the slots vendors push, by vendor and outcome (stored
// or refused), the push rate per vendor an operator watches. The global
// provider is the process's (set by platform/telemetry).
var pushedSlots, _ = otel.Meter("github.com/sas-platform/sas/services/availability/server").Int64Counter(
	"sas.availability.push.slots", metric.WithUnit("{slot}"),
	metric.WithDescription("Slots pushed by vendors, by vendor and outcome (stored, refused)."))

func countPush(ctx context.Context, vendor string, stored, refused int) {
	if stored > 0 {
		pushedSlots.Add(ctx, int64(stored), metric.WithAttributes(attribute.String("vendor", vendor), attribute.String("outcome", "stored")))
	}
	if refused > 0 {
		pushedSlots.Add(ctx, int64(refused), metric.WithAttributes(attribute.String("vendor", vendor), attribute.String("outcome", "refused")))
	}
}
