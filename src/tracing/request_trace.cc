#include "tracing/request_trace.h"

#include "tracing/sampler.h"
#include "tracing/trace_state.h"

#include <cstring>
#include <optional>

namespace smlapi::tracing {

SpanRecord* RequestTrace::start_child(const SpanName& name, std::int64_t now_nanos) {
  if (!recording || child_count == kMaxChildSpans) return nullptr;
  SpanRecord& span = children[child_count++];
  span.name = &name;
  span.status = SpanStatus::unset;
  span.attribute_count = 0;
  span.text_used = 0;
  span.start_nanos = now_nanos;
  span.end_nanos = now_nanos;
  return &span;
}

void RequestTrace::format_traceresponse(char* out) const {
  format_traceparent(trace_id, span_id, sampled, out);
}

void begin_request_trace(std::string_view traceparent, std::string_view tracestate,
                         const TracerConfig& config, IdGenerator& ids, RequestTrace& trace) {
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
  // The caller's vendors' state belongs to the caller's trace only.
  if (parent && trace.recording && !tracestate.empty()) {
    if (auto length = normalize_tracestate(tracestate, trace.trace_state)) {
      trace.trace_state_length = static_cast<std::uint16_t>(*length);
    }
  }
}

}  // namespace smlapi::tracing
