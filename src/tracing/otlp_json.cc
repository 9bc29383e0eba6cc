#include "tracing/otlp_json.h"

#include "common/json_writer.h"

#include <charconv>

namespace smlapi::tracing {

namespace {

using namespace std::string_view_literals;

void append_quoted_unsigned(std::string& out, std::uint64_t value) {
  char digits[24];
  digits[0] = '"';
  auto [end, ec] = std::to_chars(digits + 1, digits + sizeof digits - 1, value);
  *end++ = '"';
  out.append(digits, end);
}

template <std::size_t N>
void append_hex_string(std::string& out, const std::array<std::uint8_t, N>& bytes) {
  char text[2 * N + 2];
  text[0] = '"';
  write_hex(bytes.data(), N, text + 1);
  text[2 * N + 1] = '"';
  out.append(text, sizeof text);
}

void append_string_attribute(std::string& out, std::string_view key, std::string_view value) {
  out.append("{\"key\":"sv);
  json::append_string(out, key);
  out.append(",\"value\":{\"stringValue\":"sv);
  json::append_string(out, value);
  out.append("}}"sv);
}

void append_attribute(std::string& out, const SpanRecord& span, const Attribute& attribute) {
  if (!attribute.is_integer)
    return append_string_attribute(out, attribute.key, span.text_value(attribute));
  out.append("{\"key\":"sv);
  json::append_string(out, attribute.key);
  out.append(",\"value\":{\"intValue\":\""sv);
  json::append_integer(out, attribute.integer);
  out.append("\"}}"sv);
}

void append_span(std::string& out, const SpanRecord& span) {
  out.append("{\"traceId\":"sv);
  append_hex_string(out, span.trace_id.bytes);
  out.append(",\"spanId\":"sv);
  append_hex_string(out, span.span_id.bytes);
  if (span.parent_id.valid()) {
    out.append(",\"parentSpanId\":"sv);
    append_hex_string(out, span.parent_id.bytes);
  }
  if (!span.trace_state.empty()) {
    out.append(",\"traceState\":"sv);
    json::append_string(out, span.trace_state);
  }
  out.append(",\"name\":"sv);
  json::append_string(out, span.name_view());
  out.append(",\"kind\":"sv);
  out.push_back(static_cast<char>('0' + static_cast<int>(span.kind)));  // 1..3
  out.append(",\"startTimeUnixNano\":"sv);
  append_quoted_unsigned(out, span.start_unix_nanos);
  out.append(",\"endTimeUnixNano\":"sv);
  append_quoted_unsigned(out, span.end_unix_nanos);
  out.append(",\"attributes\":["sv);
  for (std::size_t i = 0; i < span.attribute_count; ++i) {
    if (i > 0) out.push_back(',');
    append_attribute(out, span, span.attributes[i]);
  }
  out.append("],\"status\":{"sv);
  if (span.status != SpanStatus::unset) {
    out.append("\"code\":"sv);
    out.push_back(static_cast<char>('0' + static_cast<int>(span.status)));  // 1..2
  }
  out.append("}}"sv);
}

}  // namespace

OtlpJsonBatch::OtlpJsonBatch(const Resource& resource, std::string& out) : out_(out) {
  out_.clear();
  out_.append("{\"resourceSpans\":[{\"resource\":{\"attributes\":["sv);
  append_string_attribute(out_, "service.name", resource.service_name);
  out_.push_back(',');
  append_string_attribute(out_, "service.version", resource.service_version);
  out_.append("]},\"scopeSpans\":[{\"scope\":{\"name\":\"secure-ml-api\",\"version\":"sv);
  json::append_string(out_, resource.service_version);
  out_.append("},\"spans\":["sv);
}

void OtlpJsonBatch::add(const SpanRecord& span) {
  if (spans_++ > 0) out_.push_back(',');
  append_span(out_, span);
}

void OtlpJsonBatch::finish() { out_.append("]}]}]}"sv); }

void encode_otlp_json(const Resource& resource, std::span<const SpanRecord> spans,
                      std::string& out) {
  OtlpJsonBatch batch(resource, out);
  for (const SpanRecord& span : spans) batch.add(span);
  batch.finish();
}

}  // namespace smlapi::tracing
