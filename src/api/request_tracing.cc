#include "api/request_tracing.h"

#include <chrono>

namespace smlapi::api {

std::uint64_t unix_nanos() {
  return static_cast<std::uint64_t>(std::chrono::duration_cast<std::chrono::nanoseconds>(
                                        std::chrono::system_clock::now().time_since_epoch())
                                        .count());
}

ChildSpan::ChildSpan(tracing::RequestTrace& trace, std::string_view name, tracing::SpanKind kind)
    : span_(trace.recording ? trace.start_child(name, kind, unix_nanos()) : nullptr) {}

void ChildSpan::end() {
  if (span_ == nullptr) return;
  span_->end_unix_nanos = unix_nanos();
  span_ = nullptr;
}

void open_span(tracing::RequestTrace& trace, std::string_view name, tracing::SpanKind kind) {
  if (!trace.recording) return;
  if (auto* span = trace.start_child(name, kind, unix_nanos())) span->end_unix_nanos = 0;
}

tracing::SpanRecord* close_span(tracing::RequestTrace& trace, std::string_view name) {
  if (!trace.recording) return nullptr;
  for (std::size_t i = 0; i < trace.child_count; ++i) {
    tracing::SpanRecord& span = trace.children[i];
    if (span.end_unix_nanos == 0 && span.name_view() == name) {
      span.end_unix_nanos = unix_nanos();
      return &span;
    }
  }
  return nullptr;
}

void submit_request_spans(tracing::SpanSink* sink, unsigned worker,
                          const tracing::RequestTrace& trace, const ServerSpanFacts& facts) {
  if (sink == nullptr || !trace.recording) return;
  tracing::SpanRecord server;
  trace.server_span(server, unix_nanos());
  server.set_name(facts.method, facts.route);
  server.add("http.request.method", facts.method);
  if (!facts.route.empty()) server.add("http.route", facts.route);
  server.add("url.path", facts.path);
  server.add("http.response.status_code", static_cast<std::int64_t>(facts.status));
  server.add("client.address", facts.client_address);
  // Server errors are the span's errors; a 4xx is the client's (semantic conventions).
  server.status = facts.status >= 500 ? tracing::SpanStatus::error : tracing::SpanStatus::unset;
  sink->submit(worker, std::span<const tracing::SpanRecord>(&server, 1));
  if (trace.child_count > 0) {
    sink->submit(worker,
                 std::span<const tracing::SpanRecord>(trace.children.data(), trace.child_count));
  }
}

TraceIdsText::TraceIdsText(const tracing::RequestTrace& trace) {
  tracing::write_hex(trace.trace_id.bytes.data(), trace.trace_id.bytes.size(), trace_id);
  tracing::write_hex(trace.span_id.bytes.data(), trace.span_id.bytes.size(), span_id);
}

}  // namespace smlapi::api
