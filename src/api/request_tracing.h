// The API's side of tracing: the clock spans are stamped with, child spans that end themselves,
// and the hand-over of a finished request to the exporter's queue (its server span's facts:
// OpenTelemetry's HTTP semantic conventions). Everything here is a no-op for a request that is
// not recorded (not sampled, or no --otlp-endpoint), which is the cost that matters.
#pragma once

#include "tracing/clock_anchor.h"
#include "tracing/request_trace.h"
#include "tracing/span.h"
#include "tracing/static_names.h"

#include <cstdint>
#include <string_view>

namespace smlapi::api {

// Starts a recorded request's clock: the server span's start and the worker's clock anchor
// (spans are stamped with the steady clock; see tracing/clock_anchor.h). No-op when unrecorded.
void start_trace_clock(tracing::RequestTrace& trace, tracing::ClockAnchor& anchor);

// A child span of the request's server span, ended (stamped) on destruction or by end().
class ChildSpan {
 public:
  ChildSpan(tracing::RequestTrace& trace, const tracing::SpanName& name);
  ~ChildSpan() { end(); }
  ChildSpan(const ChildSpan&) = delete;
  ChildSpan& operator=(const ChildSpan&) = delete;

  void add(const tracing::AttributeKey& key, std::string_view value) {
    if (span_ != nullptr) span_->add(key, value);
  }
  void add(const tracing::AttributeKey& key, std::int64_t value) {
    if (span_ != nullptr) span_->add(key, value);
  }
  void failed() {
    if (span_ != nullptr) span_->status = tracing::SpanStatus::error;
  }
  void end();

 private:
  tracing::SpanRecord* span_;
};

// For a span that outlives a function (a request suspended on a store round trip): opened and
// closed by name; close_span returns the span (null when not recorded) for its attributes.
void open_span(tracing::RequestTrace& trace, const tracing::SpanName& name);
tracing::SpanRecord* close_span(tracing::RequestTrace& trace, const tracing::SpanName& name);

// The request's spans to `sink`, when the request is recorded; its server span ends now.
void submit_request_spans(tracing::SpanSink* sink, unsigned worker,
                          const tracing::RequestTrace& trace,
                          const tracing::ServerSpanFacts& facts);

// A log line's "trace_id" and "span_id" (lower-case hex) for `trace`.
struct TraceIdsText {
  char trace_id[tracing::kTraceIdHexLength];
  char span_id[tracing::kSpanIdHexLength];
  explicit TraceIdsText(const tracing::RequestTrace& trace);
  std::string_view trace() const { return {trace_id, sizeof trace_id}; }
  std::string_view span() const { return {span_id, sizeof span_id}; }
};

}  // namespace smlapi::api
