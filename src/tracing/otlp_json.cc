#include "tracing/otlp_json.h"

#include "common/json_writer.h"

#include <array>
#include <charconv>
#include <cstring>

namespace smlapi::tracing {

namespace {

using namespace std::string_view_literals;

constexpr std::uint64_t kNanosPerSecond = 1'000'000'000;

// "00".."99": two digits per division.
constexpr std::array<std::array<char, 2>, 100> kDigitPairs = [] {
  std::array<std::array<char, 2>, 100> pairs{};
  for (std::size_t i = 0; i < pairs.size(); ++i)
    pairs[i] = {static_cast<char>('0' + i / 10), static_cast<char>('0' + i % 10)};
  return pairs;
}();

// Exactly nine digits, leading zeros kept (the nanoseconds within a second).
void write_nine_digits(std::uint32_t value, char* out) {
  for (int i = 7; i >= 1; i -= 2) {
    std::memcpy(out + i, kDigitPairs[value % 100].data(), 2);
    value /= 100;
  }
  out[0] = static_cast<char>('0' + value);
}

// Printable ASCII other than '"' and '\\': written as it is in a JSON string.
constexpr std::array<bool, 256> kPlain = [] {
  std::array<bool, 256> plain{};
  for (int c = 0x20; c < 0x7F; ++c) plain[static_cast<std::size_t>(c)] = c != '"' && c != '\\';
  return plain;
}();

// A JSON string; the common case (paths, addresses, names: plain ASCII) in one scan and one
// append, anything else (escapes, UTF-8 checked and repaired) by the shared writer.
void append_json_string(std::string& out, std::string_view text) {
  for (char c : text) {
    if (!kPlain[static_cast<unsigned char>(c)]) return json::append_string(out, text);
  }
  out.push_back('"');
  out.append(text);
  out.push_back('"');
}

// Attribute keys are static identifiers of this code base ("http.route"): nothing to escape.
// `open_value`: the value's type and its colon, e.g. "\",\"value\":{\"stringValue\":".
void append_key(std::string& out, std::string_view key, std::string_view open_value) {
  out.append("{\"key\":\""sv);
  out.append(key);
  out.append(open_value);
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
  append_key(out, key, "\",\"value\":{\"stringValue\":"sv);
  append_json_string(out, value);
  out.append("}}"sv);
}

void append_int_attribute(std::string& out, std::string_view key, std::int64_t value) {
  append_key(out, key, "\",\"value\":{\"intValue\":\""sv);
  json::append_integer(out, value);
  out.append("\"}}"sv);
}

void append_attribute(std::string& out, const SpanRecord& span, const Attribute& attribute) {
  if (!attribute.is_integer)
    return append_string_attribute(out, attribute.key->text(), span.text_value(attribute));
  append_int_attribute(out, attribute.key->text(), attribute.integer);
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

void OtlpJsonBatch::open_span(const TraceId& trace_id, const SpanId& span_id,
                              const SpanId& parent_id, std::string_view trace_state) {
  std::string& out = out_;
  if (spans_++ > 0) out.push_back(',');
  out.append("{\"traceId\":"sv);
  append_hex_string(out, trace_id.bytes);
  out.append(",\"spanId\":"sv);
  append_hex_string(out, span_id.bytes);
  if (parent_id.valid()) {
    out.append(",\"parentSpanId\":"sv);
    append_hex_string(out, parent_id.bytes);
  }
  if (!trace_state.empty()) {
    out.append(",\"traceState\":"sv);
    append_json_string(out, trace_state);
  }
  out.append(",\"name\":"sv);
}

void OtlpJsonBatch::kind_and_times(SpanKind kind, std::uint64_t start, std::uint64_t end) {
  out_.append(",\"kind\":"sv);
  out_.push_back(static_cast<char>('0' + static_cast<int>(kind)));  // 1..3
  out_.append(",\"startTimeUnixNano\":"sv);
  append_time(start);
  out_.append(",\"endTimeUnixNano\":"sv);
  append_time(end);
  out_.append(",\"attributes\":["sv);
}

void OtlpJsonBatch::close_span(SpanStatus status) {
  out_.append("],\"status\":{"sv);
  if (status != SpanStatus::unset) {
    out_.append("\"code\":"sv);
    out_.push_back(static_cast<char>('0' + static_cast<int>(status)));  // 1..2
  }
  out_.append("}}"sv);
}

void OtlpJsonBatch::add(const RequestSpans& request) {
  std::string& out = out_;
  open_span(request.trace_id, request.span_id, request.parent_id, request.trace_state);
  // "{method} {route}": static strings of this code base, nothing to escape.
  out.push_back('"');
  out.append(request.method);
  if (!request.route.empty()) {
    out.push_back(' ');
    out.append(request.route);
  }
  out.push_back('"');
  kind_and_times(SpanKind::server, request.unix_nanos(request.start_nanos),
                 request.unix_nanos(request.end_nanos));
  append_string_attribute(out, "http.request.method", request.method);
  out.push_back(',');
  if (!request.route.empty()) {
    append_string_attribute(out, "http.route", request.route);
    out.push_back(',');
  }
  append_string_attribute(out, "url.path", request.path_view());
  out.push_back(',');
  append_int_attribute(out, "http.response.status_code", request.status);
  out.push_back(',');
  append_string_attribute(out, "client.address", request.address_view());
  close_span(request.server_status());
  for (std::size_t i = 0; i < request.child_count; ++i) add_child_span(request, i);
}

void OtlpJsonBatch::add_child_span(const RequestSpans& request, std::size_t index) {
  const SpanRecord& span = request.children[index];
  open_span(request.trace_id, child_span_id(request.span_id, index), request.span_id, {});
  append_json_string(out_, span.name->text());
  kind_and_times(span.name->kind(), request.unix_nanos(span.start_nanos),
                 request.unix_nanos(span.end_nanos));
  for (std::size_t i = 0; i < span.attribute_count; ++i) {
    if (i > 0) out_.push_back(',');
    append_attribute(out_, span, span.attributes[i]);
  }
  close_span(span.status);
}

void OtlpJsonBatch::append_time(std::uint64_t unix_nanos) {
  const std::uint64_t seconds = unix_nanos / kNanosPerSecond;
  if (seconds == 0) {  // no seconds' digits to share (and no leading zeros to write)
    char digits[22];
    digits[0] = '"';
    auto [end, ec] = std::to_chars(digits + 1, digits + sizeof digits - 1, unix_nanos);
    *end++ = '"';
    out_.append(digits, end);
    return;
  }
  if (seconds != cached_seconds_) {
    seconds_digits_[0] = '"';
    auto [end, ec] =
        std::to_chars(seconds_digits_ + 1, seconds_digits_ + sizeof seconds_digits_, seconds);
    seconds_length_ = static_cast<std::size_t>(end - seconds_digits_);
    cached_seconds_ = seconds;
  }
  char nanos[10];
  write_nine_digits(static_cast<std::uint32_t>(unix_nanos % kNanosPerSecond), nanos);
  nanos[9] = '"';
  out_.append(seconds_digits_, seconds_length_);
  out_.append(nanos, sizeof nanos);
}

std::string_view OtlpJsonBatch::finish() {
  out_.append("]}]}]}"sv);
  return out_;
}

void encode_otlp_json(const Resource& resource, std::span<const RequestSpans> requests,
                      std::string& out) {
  OtlpJsonBatch batch(resource, out);
  for (const RequestSpans& request : requests) batch.add(request);
  batch.finish();
}

}  // namespace smlapi::tracing
