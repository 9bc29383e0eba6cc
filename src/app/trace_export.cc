#include "app/trace_export.h"

#include <prometheus/counter.h>

#include <algorithm>

namespace smlapi::app {

namespace pm = prometheus;

namespace {
telemetry::ExporterConfig exporter_config(const TracingConfig& config, std::string_view version) {
  telemetry::ExporterConfig exporter;
  exporter.endpoint = *config.endpoint;
  exporter.headers = config.headers;
  exporter.resource = {config.service_name, std::string(version)};
  exporter.encoding = config.encoding;
  return exporter;
}

// The queue holds whole requests: --otlp-queue-spans counted as a /predict request's three spans
// (server, admission, scoring) each.
std::size_t queued_requests(const TracingConfig& config) {
  return std::max<std::size_t>(1, config.queue_spans / 3);
}
}  // namespace

std::unique_ptr<TraceExport> TraceExport::start(const TracingConfig& config, unsigned workers,
                                                std::string_view version, pm::Registry& registry) {
  if (!config.endpoint) return nullptr;
  std::unique_ptr<TraceExport> running(new TraceExport(config, workers, version, registry));
  running->exporter_.start();
  return running;
}

TraceExport::TraceExport(const TracingConfig& config, unsigned workers, std::string_view version,
                         pm::Registry& registry)
    : queue_(std::make_shared<telemetry::SpanQueue>(workers, queued_requests(config))),
      exporter_(exporter_config(config, version), queue_) {
  exported_ = &pm::BuildCounter()
                   .Name("smlapi_trace_spans_exported_total")
                   .Help("Spans the OTLP collector accepted.")
                   .Register(registry)
                   .Add({});
  auto& dropped = pm::BuildCounter()
                      .Name("smlapi_trace_spans_dropped_total")
                      .Help(
                          "Spans not exported: queue_full (the exporter fell behind; workers "
                          "never wait) or export_failed (the collector refused or was "
                          "unreachable after the retries).")
                      .Register(registry);
  dropped_full_ = &dropped.Add({{"reason", "queue_full"}});
  dropped_failed_ = &dropped.Add({{"reason", "export_failed"}});
  failures_ = &pm::BuildCounter()
                   .Name("smlapi_trace_export_failures_total")
                   .Help("Span batches given up after the retries.")
                   .Register(registry)
                   .Add({});
}

void TraceExport::update_metrics() {
  const telemetry::ExporterTotals now = exporter_.totals();
  exported_->Increment(static_cast<double>(now.exported_spans - counted_.exported_spans));
  dropped_failed_->Increment(static_cast<double>(now.failed_spans - counted_.failed_spans));
  failures_->Increment(static_cast<double>(now.failed_batches - counted_.failed_batches));
  counted_ = now;
  const std::uint64_t dropped = queue_->dropped();
  dropped_full_->Increment(static_cast<double>(dropped - dropped_counted_));
  dropped_counted_ = dropped;
}

}  // namespace smlapi::app
