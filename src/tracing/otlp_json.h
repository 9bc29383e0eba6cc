// A batch of recorded requests' spans as an OTLP/JSON ExportTraceServiceRequest (the OpenTelemetry
// Protocol's JSON encoding for POST /v1/traces): ids as lower-case hex, 64-bit integers (times,
// intValue) as decimal strings, enums (kind, status code) as integers, one resource (service.name,
// service.version) and one instrumentation scope. Written span by span into one buffer the
// exporter reuses (OtlpJsonBatch), so a batch is encoded straight from the span queue.
#pragma once

#include "tracing/otlp_resource.h"
#include "tracing/request_spans.h"

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

namespace smlapi::tracing {

// One request body being written into `out` (cleared first; its capacity is kept).
class OtlpJsonBatch {
 public:
  OtlpJsonBatch(const Resource& resource, std::string& out);
  void add(const RequestSpans& request);  // its server span, then its children
  // Closes the document and returns the body (all of `out`). Nothing may be added afterwards.
  std::string_view finish();
  std::size_t spans() const { return spans_; }

 private:
  // A span's times as decimal strings; the seconds' digits, shared by every time in the same
  // second, are written once per batch (see append_time).
  void append_time(std::uint64_t unix_nanos);
  // A span's fields up to its name's value (ids, tracestate), with the comma before it.
  void open_span(const TraceId& trace_id, const SpanId& span_id, const SpanId& parent_id,
                 std::string_view trace_state);
  // The fields after the name: kind, times, then the opening of the attributes' array.
  void kind_and_times(SpanKind kind, std::uint64_t start, std::uint64_t end);
  void close_span(SpanStatus status);
  void add_child_span(const RequestSpans& request, std::size_t index);

  std::string& out_;
  std::size_t spans_ = 0;
  std::uint64_t cached_seconds_ = 0;  // 0: none cached
  char seconds_digits_[21];           // '"' and the seconds' digits
  std::size_t seconds_length_ = 0;
};

// Replaces `out` with the request body.
void encode_otlp_json(const Resource& resource, std::span<const RequestSpans> requests,
                      std::string& out);

}  // namespace smlapi::tracing
