// One request's place in a trace: the trace it belongs to (the caller's, from a valid
// traceparent, or a new one), the server span's id, whether it is recorded, the caller's
// tracestate, and the child spans (admission, the store round trip, scoring, hashing) recorded
// while it runs. Fixed size and reused by a worker from request to request: beginning a request
// allocates nothing, and an unrecorded request records nothing.
#pragma once

#include "tracing/ids.h"
#include "tracing/span.h"
#include "tracing/trace_context.h"
#include "tracing/trace_state.h"

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

namespace smlapi::tracing {

inline constexpr std::size_t kMaxChildSpans = 4;

struct RequestTrace {
  TraceId trace_id;
  SpanId span_id;          // the server span's
  SpanId parent_id;        // the caller's span (from traceparent); zeros: a root span
  bool sampled = false;    // the decision propagated (traceresponse's flag)
  bool recording = false;  // sampled and exported: spans are recorded
  std::uint16_t trace_state_length = 0;
  std::array<char, kMaxTraceStateLength> trace_state;
  std::uint64_t start_unix_nanos = 0;
  std::uint8_t child_count = 0;
  std::array<SpanRecord, kMaxChildSpans> children;

  // A child of the server span, started now; null when not recording (or full): callers
  // record through the pointer only when it is set.
  SpanRecord* start_child(std::string_view name, SpanKind kind, std::uint64_t now_unix_nanos);
  // Fills `span` as this request's server span (ids, times, trace state; no attributes).
  void server_span(SpanRecord& span, std::uint64_t end_unix_nanos) const;
  // "00-<trace>-<span>-<flags>" for the traceresponse header (kTraceParentLength characters).
  void format_traceresponse(char* out) const;
};

// Where finished spans go (the exporter's queue). Must never block: a full queue drops.
class SpanSink {
 public:
  virtual ~SpanSink() = default;
  // `worker`: the calling worker thread, or kBackgroundThread from any other thread.
  virtual void submit(unsigned worker, std::span<const SpanRecord> spans) = 0;
  static constexpr unsigned kBackgroundThread = ~0u;
};

struct TracerConfig {
  double root_sample_ratio = 1.0;  // for requests without a valid traceparent
  bool export_spans = false;       // a sink is there: sampled requests are recorded
};

// Starts a request's trace from its headers with one worker's id generator.
void begin_request_trace(std::string_view traceparent, std::string_view tracestate,
                         const TracerConfig& config, IdGenerator& ids, std::uint64_t now_unix_nanos,
                         RequestTrace& trace);

}  // namespace smlapi::tracing
