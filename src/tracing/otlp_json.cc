#include "tracing/otlp_json.h"

#include "common/json_writer.h"

#include <charconv>

namespace smlapi::tracing {

namespace {

void append_quoted_unsigned(std::string& out, std::uint64_t value) {
  char digits[24];
  auto [end, ec] = std::to_chars(digits, digits + sizeof digits, value);
  out.push_back('"');
  out.append(digits, end);
  out.push_back('"');
}

void append_hex_string(std::string& out, const std::uint8_t* bytes, std::size_t size) {
  char text[32];
  write_hex(bytes, size, text);
  out.push_back('"');
  out.append(text, 2 * size);
  out.push_back('"');
}

void append_string_attribute(std::string& out, std::string_view key, std::string_view value) {
  out.append("{\"key\":");
  json::append_string(out, key);
  out.append(",\"value\":{\"stringValue\":");
  json::append_string(out, value);
  out.append("}}");
}

void append_attribute(std::string& out, const Attribute& attribute) {
  if (!attribute.is_integer)
    return append_string_attribute(out, attribute.key, attribute.text_value());
  out.append("{\"key\":");
  json::append_string(out, attribute.key);
  out.append(",\"value\":{\"intValue\":\"");
  json::append_integer(out, attribute.integer);
  out.append("\"}}");
}

void append_span(std::string& out, const SpanRecord& span) {
  out.append("{\"traceId\":");
  append_hex_string(out, span.trace_id.bytes.data(), span.trace_id.bytes.size());
  out.append(",\"spanId\":");
  append_hex_string(out, span.span_id.bytes.data(), span.span_id.bytes.size());
  if (span.parent_id.valid()) {
    out.append(",\"parentSpanId\":");
    append_hex_string(out, span.parent_id.bytes.data(), span.parent_id.bytes.size());
  }
  if (span.trace_state_length > 0) {
    out.append(",\"traceState\":");
    json::append_string(out, span.trace_state_view());
  }
  out.append(",\"name\":");
  json::append_string(out, span.name_view());
  out.append(",\"kind\":");
  json::append_integer(out, static_cast<int>(span.kind));
  out.append(",\"startTimeUnixNano\":");
  append_quoted_unsigned(out, span.start_unix_nanos);
  out.append(",\"endTimeUnixNano\":");
  append_quoted_unsigned(out, span.end_unix_nanos);
  out.append(",\"attributes\":[");
  for (std::size_t i = 0; i < span.attribute_count; ++i) {
    if (i > 0) out.push_back(',');
    append_attribute(out, span.attributes[i]);
  }
  out.append("],\"status\":{");
  if (span.status != SpanStatus::unset) {
    out.append("\"code\":");
    json::append_integer(out, static_cast<int>(span.status));
  }
  out.append("}}");
}

}  // namespace

void encode_otlp_json(const Resource& resource, std::span<const SpanRecord> spans,
                      std::string& out) {
  out.clear();
  out.append("{\"resourceSpans\":[{\"resource\":{\"attributes\":[");
  append_string_attribute(out, "service.name", resource.service_name);
  out.push_back(',');
  append_string_attribute(out, "service.version", resource.service_version);
  out.append("]},\"scopeSpans\":[{\"scope\":{\"name\":\"secure-ml-api\",\"version\":");
  json::append_string(out, resource.service_version);
  out.append("},\"spans\":[");
  for (std::size_t i = 0; i < spans.size(); ++i) {
    if (i > 0) out.push_back(',');
    append_span(out, spans[i]);
  }
  out.append("]}]}]}");
}

}  // namespace smlapi::tracing
