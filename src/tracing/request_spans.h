// One finished, recorded request as the exporter's queue holds it: its server span's facts and
// its child spans in one fixed-size record, filled in place in the queue's slot (RequestSpans::
// fill) and encoded from there as 1 + child_count OTLP spans. The request's own strings (path,
// client address) are copied as they came, cut between characters at their bounds; the encoders
// check and repair them. Method, route, span names and attribute keys are static strings. The
// caller's tracestate (up to 512 bytes, rare) is not in the record: the queue keeps a copy
// beside the slot and `trace_state` refers to it.
#pragma once

#include "common/short_copy.h"
#include "tracing/request_trace.h"

#include <array>
#include <cstddef>
#include <cstdint>
#include <string_view>

namespace smlapi::tracing {

inline constexpr std::size_t kMaxPathBytes = 128;
inline constexpr std::size_t kMaxAddressBytes = 48;  // an IPv6 address's text is at most 45

struct RequestSpans {
  TraceId trace_id;
  SpanId span_id;    // the server span's
  SpanId parent_id;  // the caller's span; zeros: a root span
  std::int64_t unix_offset_nanos = 0;
  std::int64_t start_nanos = 0;  // steady clock, as the children's
  std::int64_t end_nanos = 0;
  std::string_view method;  // static
  std::string_view route;   // static; empty: unrouted
  std::string_view trace_state;
  std::uint16_t status = 0;
  std::uint8_t path_length = 0;
  std::uint8_t address_length = 0;
  std::uint8_t child_count = 0;
  std::array<char, kMaxPathBytes> path;
  std::array<char, kMaxAddressBytes> client_address;
  std::array<SpanRecord, kMaxChildSpans> children;

  // Everything but trace_state (the queue's to place). Copies only the children recorded.
  void fill(const RequestTrace& trace, const ServerSpanFacts& facts, std::int64_t end) {
    trace_id = trace.trace_id;
    span_id = trace.span_id;
    parent_id = trace.parent_id;
    unix_offset_nanos = trace.unix_offset_nanos;
    start_nanos = trace.start_nanos;
    end_nanos = end;
    method = facts.method;
    route = facts.route;
    status = static_cast<std::uint16_t>(facts.status);
    path_length = copy_cut(facts.path, path);
    address_length = copy_cut(facts.client_address, client_address);
    child_count = trace.child_count;
    for (std::size_t i = 0; i < child_count; ++i) children[i] = trace.children[i];
  }
  std::string_view path_view() const { return {path.data(), path_length}; }
  std::string_view address_view() const { return {client_address.data(), address_length}; }
  std::uint64_t unix_nanos(std::int64_t steady) const {
    return static_cast<std::uint64_t>(steady + unix_offset_nanos);
  }
  template <std::size_t N>
  static std::uint8_t copy_cut(std::string_view text, std::array<char, N>& out) {
    static_assert(N < 256);
    const std::size_t length = cut_between_characters(text, N);
    copy_short(out.data(), text.data(), length);
    return static_cast<std::uint8_t>(length);
  }
  std::size_t span_count() const { return 1u + child_count; }
  // Server errors are the span's errors; a 4xx is the client's (HTTP semantic conventions).
  SpanStatus server_status() const { return status >= 500 ? SpanStatus::error : SpanStatus::unset; }
};

}  // namespace smlapi::tracing
