#include "tracing/request_trace.h"

#include "tracing/sampler.h"
#include "tracing/trace_state.h"

#include <cstring>
#include <optional>

namespace smlapi::tracing {

namespace {
// A child's id from the server span's (random) id and the child's index: SplitMix64's output
// mix, a bijection, so the children's ids are as unique as the server span's and cost no call
// to the worker's generator (the hashing pool has none).
SpanId child_span_id(const SpanId& parent, std::size_t index) {
  std::uint64_t z = 0;
  std::memcpy(&z, parent.bytes.data(), sizeof z);
  z += 0x9E3779B97F4A7C15ull * (index + 1);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  z ^= z >> 31;
  SpanId id;
  std::memcpy(id.bytes.data(), &z, sizeof z);
  if (!id.valid()) id.bytes[7] = 1;
  return id;
}
}  // namespace

SpanRecord* RequestTrace::start_child(std::string_view name, SpanKind kind,
                                      std::uint64_t now_unix_nanos) {
  if (!recording || child_count == kMaxChildSpans) return nullptr;
  SpanRecord& span = children[child_count];
  span.span_id = child_span_id(span_id, child_count);
  ++child_count;
  span.trace_id = trace_id;
  span.parent_id = span_id;
  span.kind = kind;
  span.status = SpanStatus::unset;
  span.trace_state = {};
  span.start_unix_nanos = now_unix_nanos;
  span.end_unix_nanos = now_unix_nanos;
  span.set_name(name);
  return &span;
}

void RequestTrace::server_span(SpanRecord& span, std::uint64_t end_unix_nanos) const {
  span.trace_id = trace_id;
  span.span_id = span_id;
  span.parent_id = parent_id;
  span.kind = SpanKind::server;
  span.start_unix_nanos = start_unix_nanos;
  span.end_unix_nanos = end_unix_nanos;
  span.trace_state = {trace_state.data(), trace_state_length};  // copied by the span queue
}

void RequestTrace::format_traceresponse(char* out) const {
  format_traceparent(trace_id, span_id, sampled, out);
}

void begin_request_trace(std::string_view traceparent, std::string_view tracestate,
                         const TracerConfig& config, IdGenerator& ids, std::uint64_t now_unix_nanos,
                         RequestTrace& trace) {
  std::optional<TraceParent> parent;
  if (!traceparent.empty()) {
    if (auto parsed = parse_traceparent(traceparent)) parent = *parsed;
  }
  trace.trace_id = parent ? parent->trace_id : ids.trace_id();
  trace.parent_id = parent ? parent->parent_id : SpanId{};
  trace.span_id = ids.span_id();
  trace.sampled = sample(parent, trace.trace_id, config.root_sample_ratio);
  trace.recording = trace.sampled && config.export_spans;
  trace.child_count = 0;
  trace.trace_state_length = 0;
  trace.start_unix_nanos = now_unix_nanos;
  // The caller's vendors' state belongs to the caller's trace only.
  if (parent && trace.recording && !tracestate.empty()) {
    if (auto length = normalize_tracestate(tracestate, trace.trace_state)) {
      trace.trace_state_length = static_cast<std::uint16_t>(*length);
    }
  }
}

}  // namespace smlapi::tracing
