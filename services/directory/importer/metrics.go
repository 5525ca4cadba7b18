package importer

import (
	"context"

	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/metric"

	directoryv1 "github.com/sas-platform/sas/gen/sas/directory/v1"
)

// Import progress for operators: the share of the file processed and the
// lines read, per import job. The global provider is the process's (set by
// platform/telemetry; instruments made before it is set follow it).
var (
	meter            = otel.Meter("github.com/sas-platform/sas/services/directory/importer")
	progressGauge, _ = meter.Float64Gauge("sas.directory.import.progress", metric.WithUnit("1"),
		metric.WithDescription("Share of the import file processed, 0 to 1, by import job."))
	linesGauge, _ = meter.Int64Gauge("sas.directory.import.lines", metric.WithUnit("{line}"),
		metric.WithDescription("Lines read so far, by import job."))
)

// record reports job's progress.
func record(ctx context.Context, job *directoryv1.Import) {
	attrs := metric.WithAttributes(attribute.String("import", job.GetName()))
	if job.GetTotalBytes() > 0 {
		progressGauge.Record(ctx, float64(job.GetProcessedBytes())/float64(job.GetTotalBytes()), attrs)
	}
	linesGauge.Record(ctx, job.GetLinesRead(), attrs)
}
