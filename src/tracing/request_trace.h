// One request's place in a trace: the trace it belongs to (the caller's, from a valid
// traceparent, or a new one), the server span's id, whether it is recorded, the caller's
// tracestate, the clock anchor its span times are read with, and the child spans (admission, the
// store round trip, scoring, hashing) recorded while it runs. Fixed size and reused by a worker
// from request to request: beginning a request allocates nothing, and an unrecorded request
// records nothing. When it ends, the whole request goes to the exporter's queue as one record
// (RequestSpans): one copy, however many spans it has.
#pragma once

#include "tracing/ids.h"
#include "tracing/span.h"
#include "tracing/trace_context.h"
#include "tracing/trace_state.h"

#include <array>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>

namespace smlapi::tracing {

inline constexpr std::size_t kMaxChildSpans = 4;

struct RequestTrace {
  TraceId trace_id;
  SpanId span_id;          // the server span's
  SpanId parent_id;        // the caller's span (from traceparent); zeros: a root span
  bool sampled = false;    // the decision propagated (traceresponse's flag)
  bool recording = false;  // sampled and exported: spans are recorded
  std::uint8_t child_count = 0;
  std::uint16_t trace_state_length = 0;
  std::int64_t start_nanos = 0;        // steady clock (set by the caller when recording)
  std::int64_t unix_offset_nanos = 0;  // the worker's clock anchor when the request began
  std::array<SpanRecord, kMaxChildSpans> children;
  std::array<char, kMaxTraceStateLength> trace_state;

  // A child of the server span, started at `now_nanos`; null when not recording (or full):
  // callers record through the pointer only when it is set.
  SpanRecord* start_child(const SpanName& name, std::int64_t now_nanos);
  std::string_view trace_state_view() const { return {trace_state.data(), trace_state_length}; }
  // "00-<trace>-<span>-<flags>" for the traceresponse header (kTraceParentLength characters).
  void format_traceresponse(char* out) const;
};

// The id of the server span's child number `index`: derived, so recording a child draws nothing
// from the worker's generator (the hashing pool has none) and the record does not carry it.
// SplitMix64's output mix of the server span's (random) id and the index: a bijection, so the
// children's ids are as unique as the server span's.
inline SpanId child_span_id(const SpanId& server_span, std::size_t index) {
  std::uint64_t z = 0;
  std::memcpy(&z, server_span.bytes.data(), sizeof z);
  z += 0x9E3779B97F4A7C15ull * (index + 1);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  z ^= z >> 31;
  SpanId id;
  std::memcpy(id.bytes.data(), &z, sizeof z);
  if (!id.valid()) id.bytes[7] = 1;
  return id;
}

// What the server span says about the request besides its trace. `method` and `route` are
// static strings (the route table's templates; empty route: unrouted); `path` and
// `client_address` are the request's and are copied when the request is queued.
struct ServerSpanFacts {
  std::string_view method;
  std::string_view route;
  std::string_view path;
  std::string_view client_address;
  unsigned status = 0;
};

// Where finished requests' spans go (the exporter's queue). Must never block: a full queue drops.
class SpanSink {
 public:
  virtual ~SpanSink() = default;
  // `worker`: the calling worker thread, or kBackgroundThread from any other thread; the server
  // span ends at `end_nanos` (steady clock). Only for a recording trace.
  virtual void submit(unsigned worker, const RequestTrace& trace, const ServerSpanFacts& facts,
                      std::int64_t end_nanos) = 0;
  static constexpr unsigned kBackgroundThread = ~0u;
};

struct TracerConfig {
  double root_sample_ratio = 1.0;  // for requests without a valid traceparent
  bool export_spans = false;       // a sink is there: sampled requests are recorded
};

// Starts a request's trace from its headers with one worker's id generator (times are the
// caller's to set, and only when recording: an unrecorded request reads no clock).
void begin_request_trace(std::string_view traceparent, std::string_view tracestate,
                         const TracerConfig& config, IdGenerator& ids, RequestTrace& trace);

}  // namespace smlapi::tracing
