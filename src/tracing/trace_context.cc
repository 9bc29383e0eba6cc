#include "tracing/trace_context.h"

namespace smlapi::tracing {

std::string_view to_string(TraceParentError error) {
  switch (error) {
    case TraceParentError::malformed:
      return "malformed";
    case TraceParentError::invalid_version:
      return "invalid_version";
    case TraceParentError::zero_trace_id:
      return "zero_trace_id";
    case TraceParentError::zero_parent_id:
      return "zero_parent_id";
    case TraceParentError::version_00_extra:
      return "version_00_extra";
  }
  return "malformed";
}

// Positions of the fields in the first 55 characters, the same in every version.
namespace {
constexpr std::size_t kTraceIdAt = 3;
constexpr std::size_t kParentIdAt = 36;
constexpr std::size_t kFlagsAt = 53;
}  // namespace

boost::system::result<TraceParent, TraceParentError> parse_traceparent(std::string_view header) {
  if (header.size() < kTraceParentLength) return TraceParentError::malformed;
  std::uint8_t version = 0;
  if (!read_lower_hex(header.substr(0, 2), &version, 1)) return TraceParentError::malformed;
  if (version == 0xFF) return TraceParentError::invalid_version;
  if (header[2] != '-' || header[kParentIdAt - 1] != '-' || header[kFlagsAt - 1] != '-') {
    return TraceParentError::malformed;
  }
  TraceParent parent;
  if (!read_lower_hex(header.substr(kTraceIdAt, kTraceIdHexLength), parent.trace_id.bytes.data(),
                      parent.trace_id.bytes.size()) ||
      !read_lower_hex(header.substr(kParentIdAt, kSpanIdHexLength), parent.parent_id.bytes.data(),
                      parent.parent_id.bytes.size()) ||
      !read_lower_hex(header.substr(kFlagsAt, 2), &parent.flags, 1)) {
    return TraceParentError::malformed;
  }
  if (header.size() > kTraceParentLength) {
    if (version == 0) return TraceParentError::version_00_extra;
    if (header[kTraceParentLength] != '-') return TraceParentError::malformed;
  }
  if (!parent.trace_id.valid()) return TraceParentError::zero_trace_id;
  if (!parent.parent_id.valid()) return TraceParentError::zero_parent_id;
  return parent;
}

void format_traceparent(const TraceId& trace, const SpanId& span, bool sampled, char* out) {
  out[0] = '0';
  out[1] = '0';
  out[2] = '-';
  write_hex(trace.bytes.data(), trace.bytes.size(), out + kTraceIdAt);
  out[kParentIdAt - 1] = '-';
  write_hex(span.bytes.data(), span.bytes.size(), out + kParentIdAt);
  out[kFlagsAt - 1] = '-';
  out[kFlagsAt] = '0';
  out[kFlagsAt + 1] = sampled ? '1' : '0';
}

std::string format_traceparent(const TraceId& trace, const SpanId& span, bool sampled) {
  std::string out(kTraceParentLength, '0');
  format_traceparent(trace, span, sampled, out.data());
  return out;
}

}  // namespace smlapi::tracing
