// The W3C Trace Context `traceparent` header (https://www.w3.org/TR/trace-context/):
//   version "-" trace-id "-" parent-id "-" trace-flags, e.g.
//   00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01
// Version 00 is exactly 55 characters. A later version is read as the Recommendation asks of a
// version it does not know: at least 55 characters, the first four fields as in 00, then the end
// of the header or a "-" (whatever follows is that version's and ignored). Version ff, upper-case
// hex and all-zero ids are invalid; an invalid header means "start a new trace".
#pragma once

#include "tracing/ids.h"

#include <boost/system/result.hpp>

#include <cstdint>
#include <string>
#include <string_view>

namespace smlapi::tracing {

enum class TraceParentError : std::uint8_t {
  malformed,         // length, separators or non-hex (upper case included)
  invalid_version,   // ff
  zero_trace_id,     // 32 zeros
  zero_parent_id,    // 16 zeros
  version_00_extra,  // version 00 with anything after its flags
};
std::string_view to_string(TraceParentError error);

inline constexpr std::uint8_t kSampledFlag = 0x01;
inline constexpr std::size_t kTraceParentLength = 55;

struct TraceParent {
  TraceId trace_id;
  SpanId parent_id;
  std::uint8_t flags = 0;
  bool sampled() const { return (flags & kSampledFlag) != 0; }
};

boost::system::result<TraceParent, TraceParentError> parse_traceparent(std::string_view header);

// Version 00 for our own span: "00-<trace>-<span>-<flags>" (55 characters into `out`). Flags
// other than "sampled" are not ours to set, so only that bit is written.
void format_traceparent(const TraceId& trace, const SpanId& span, bool sampled, char* out);
std::string format_traceparent(const TraceId& trace, const SpanId& span, bool sampled);

}  // namespace smlapi::tracing
