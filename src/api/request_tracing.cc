#include "api/request_tracing.h"

namespace smlapi::api {

namespace {
// An open span's end: no steady-clock reading is this early.
constexpr std::int64_t kStillOpen = 0;
}  // namespace

void start_trace_clock(tracing::RequestTrace& trace, tracing::ClockAnchor& anchor) {
  if (!trace.recording) return;
  trace.start_nanos = tracing::steady_nanos();
  trace.unix_offset_nanos = anchor.offset(trace.start_nanos);
}

ChildSpan::ChildSpan(tracing::RequestTrace& trace, const tracing::SpanName& name)
    : span_(trace.recording ? trace.start_child(name, tracing::steady_nanos()) : nullptr) {}

void ChildSpan::end() {
  if (span_ == nullptr) return;
  span_->end_nanos = tracing::steady_nanos();
  span_ = nullptr;
}

void open_span(tracing::RequestTrace& trace, const tracing::SpanName& name) {
  if (!trace.recording) return;
  if (auto* span = trace.start_child(name, tracing::steady_nanos())) {
    span->end_nanos = kStillOpen;
  }
}

tracing::SpanRecord* close_span(tracing::RequestTrace& trace, const tracing::SpanName& name) {
  if (!trace.recording) return nullptr;
  for (std::size_t i = 0; i < trace.child_count; ++i) {
    tracing::SpanRecord& span = trace.children[i];
    if (span.end_nanos == kStillOpen && span.name == &name) {
      span.end_nanos = tracing::steady_nanos();
      return &span;
    }
  }
  return nullptr;
}

void submit_request_spans(tracing::SpanSink* sink, unsigned worker,
                          const tracing::RequestTrace& trace,
                          const tracing::ServerSpanFacts& facts) {
  if (sink == nullptr || !trace.recording) return;
  sink->submit(worker, trace, facts, tracing::steady_nanos());
}

TraceIdsText::TraceIdsText(const tracing::RequestTrace& trace) {
  tracing::write_hex(trace.trace_id.bytes.data(), trace.trace_id.bytes.size(), trace_id);
  tracing::write_hex(trace.span_id.bytes.data(), trace.span_id.bytes.size(), span_id);
}

}  // namespace smlapi::api
