// Span export as the service runs it: the workers' span queue, the OTLP exporter thread and
// their metrics (smlapi_trace_spans_exported_total, smlapi_trace_spans_dropped_total{reason},
// smlapi_trace_export_failures_total), sampled once a second by the wiring's housekeeping.
#pragma once

#include "app/tracing_config.h"
#include "telemetry/otlp_exporter.h"
#include "telemetry/span_queue.h"

#include <prometheus/counter.h>
#include <prometheus/registry.h>

#include <memory>
#include <string_view>

namespace smlapi::app {

class TraceExport {
 public:
  // Null when no --otlp-endpoint is set. The exporter thread runs from here on.
  static std::unique_ptr<TraceExport> start(const TracingConfig& config, unsigned workers,
                                            std::string_view version,
                                            prometheus::Registry& registry);
  std::shared_ptr<tracing::SpanSink> sink() const { return queue_; }
  void update_metrics();

 private:
  TraceExport(const TracingConfig& config, unsigned workers, std::string_view version,
              prometheus::Registry& registry);

  std::shared_ptr<telemetry::SpanQueue> queue_;
  telemetry::OtlpExporter exporter_;
  prometheus::Counter* exported_;
  prometheus::Counter* dropped_full_;
  prometheus::Counter* dropped_failed_;
  prometheus::Counter* failures_;
  telemetry::ExporterTotals counted_{};
  std::uint64_t dropped_counted_ = 0;
};

}  // namespace smlapi::app
