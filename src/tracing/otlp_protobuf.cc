#include "tracing/otlp_protobuf.h"

#include "common/utf8.h"

#include <google/protobuf/io/coded_stream.h>

#include <array>
#include <cstdint>
#include <cstring>
#include <string_view>

namespace smlapi::tracing {

namespace {

using Wire = google::protobuf::io::CodedOutputStream;

// Field keys: (field number << 3) | wire type. Every key used here fits in one byte (the
// largest, Span.status, is 15 << 3 | 2 = 122).
enum WireType : std::uint8_t { kVarint = 0, kFixed64 = 1, kLengthDelimited = 2 };
constexpr std::uint8_t key(unsigned field, WireType type) {
  return static_cast<std::uint8_t>(field << 3 | type);
}

// ExportTraceServiceRequest.resource_spans, ResourceSpans.resource/scope_spans,
// ScopeSpans.scope/spans, Resource.attributes, InstrumentationScope.name/version.
constexpr std::uint8_t kResourceSpans = key(1, kLengthDelimited);
constexpr std::uint8_t kResource = key(1, kLengthDelimited);
constexpr std::uint8_t kScopeSpans = key(2, kLengthDelimited);
constexpr std::uint8_t kScope = key(1, kLengthDelimited);
constexpr std::uint8_t kSpan = key(2, kLengthDelimited);
constexpr std::uint8_t kResourceAttribute = key(1, kLengthDelimited);
constexpr std::uint8_t kScopeName = key(1, kLengthDelimited);
constexpr std::uint8_t kScopeVersion = key(2, kLengthDelimited);
// Span (trace/v1/trace.proto).
constexpr std::uint8_t kTraceId = key(1, kLengthDelimited);
constexpr std::uint8_t kSpanId = key(2, kLengthDelimited);
constexpr std::uint8_t kTraceState = key(3, kLengthDelimited);
constexpr std::uint8_t kParentSpanId = key(4, kLengthDelimited);
constexpr std::uint8_t kName = key(5, kLengthDelimited);
constexpr std::uint8_t kKind = key(6, kVarint);
constexpr std::uint8_t kStartTime = key(7, kFixed64);
constexpr std::uint8_t kEndTime = key(8, kFixed64);
constexpr std::uint8_t kAttribute = key(9, kLengthDelimited);
constexpr std::uint8_t kStatus = key(15, kLengthDelimited);
constexpr std::uint8_t kStatusCode = key(3, kVarint);  // Status.code (field 1 is reserved)
// KeyValue and AnyValue (common/v1/common.proto).
constexpr std::uint8_t kKey = key(1, kLengthDelimited);
constexpr std::uint8_t kValue = key(2, kLengthDelimited);
constexpr std::uint8_t kStringValue = key(1, kLengthDelimited);
constexpr std::uint8_t kIntValue = key(3, kVarint);

constexpr std::size_t kTraceIdBytes = sizeof(TraceId::bytes);
constexpr std::size_t kSpanIdBytes = sizeof(SpanId::bytes);
constexpr std::size_t kMaxVarint32 = 5;
// Grown ahead by this much, so a span is written with a raw pointer and no check per field.
constexpr std::size_t kGrowth = 64 * 1024;

std::size_t varint_size(std::size_t value) {
  return Wire::VarintSize32(static_cast<std::uint32_t>(value));
}

// A length-delimited field's size: key, length, content.
std::size_t field_size(std::size_t content) { return 1 + varint_size(content) + content; }

std::uint8_t* write_key_length(std::uint8_t key, std::size_t length, std::uint8_t* out) {
  *out++ = key;
  return Wire::WriteVarint32ToArray(static_cast<std::uint32_t>(length), out);
}

// An id: a fixed size, so the copy is a load and a store or two rather than a call.
template <std::size_t N>
std::uint8_t* write_id(std::uint8_t key, const std::array<std::uint8_t, N>& id, std::uint8_t* out) {
  static_assert(N < 128);  // a one-byte length
  *out++ = key;
  *out++ = static_cast<std::uint8_t>(N);
  std::memcpy(out, id.data(), N);
  return out + N;
}

std::uint8_t* write_text(std::uint8_t key, std::string_view text, std::uint8_t* out) {
  out = write_key_length(key, text.size(), out);
  std::memcpy(out, text.data(), text.size());
  return out + text.size();
}

std::uint8_t* write_fixed64(std::uint8_t key, std::uint64_t value, std::uint8_t* out) {
  *out++ = key;
  return Wire::WriteLittleEndian64ToArray(value, out);
}

// AnyValue: a string (well-formed UTF-8 already) or an int64 (negatives as ten-byte varints).
std::size_t any_value_size(const Attribute& attribute) {
  if (attribute.is_integer) {
    return 1 + Wire::VarintSize64(static_cast<std::uint64_t>(attribute.integer));
  }
  return field_size(attribute.length);
}

std::uint8_t* write_key_value(const SpanRecord& span, const Attribute& attribute,
                              std::size_t key_value, std::size_t any_value, std::uint8_t* out) {
  out = write_key_length(kAttribute, key_value, out);
  out = write_text(kKey, attribute.key, out);
  out = write_key_length(kValue, any_value, out);
  if (attribute.is_integer) {
    *out++ = kIntValue;
    return Wire::WriteVarint64ToArray(static_cast<std::uint64_t>(attribute.integer), out);
  }
  return write_text(kStringValue, span.text_value(attribute), out);
}

constexpr bool has_status(const SpanRecord& span) { return span.status != SpanStatus::unset; }
// Status { code } with code 1 or 2: key, one-byte varint.
constexpr std::size_t kStatusContent = 2;

// The sizes a span's fields need, computed once: its content's, and each attribute's KeyValue
// and AnyValue (written as length prefixes).
struct SpanSizes {
  std::size_t content = 0;
  // Only the first attribute_count are set (no zeroing: this is per span).
  std::array<std::size_t, kMaxAttributes> key_value;
  std::array<std::size_t, kMaxAttributes> any_value;
};

// The Span message's content, field by field as write_span_content writes it.
SpanSizes span_sizes(const SpanRecord& span) {
  SpanSizes sizes;
  std::size_t size = field_size(kTraceIdBytes) + field_size(kSpanIdBytes);
  if (!span.trace_state.empty()) size += field_size(span.trace_state.size());
  if (span.parent_id.valid()) size += field_size(kSpanIdBytes);
  size += field_size(span.name_length);
  size += 2;            // kind: key and a one-byte varint (1..3)
  size += 2 * (1 + 8);  // start and end times: key and fixed64
  for (std::size_t i = 0; i < span.attribute_count; ++i) {
    const Attribute& attribute = span.attributes[i];
    sizes.any_value[i] = any_value_size(attribute);
    sizes.key_value[i] = field_size(attribute.key.size()) + field_size(sizes.any_value[i]);
    size += field_size(sizes.key_value[i]);
  }
  if (has_status(span)) size += field_size(kStatusContent);
  sizes.content = size;
  return sizes;
}

std::uint8_t* write_span_content(const SpanRecord& span, const SpanSizes& sizes,
                                 std::uint8_t* out) {
  out = write_id(kTraceId, span.trace_id.bytes, out);
  out = write_id(kSpanId, span.span_id.bytes, out);
  if (!span.trace_state.empty()) out = write_text(kTraceState, span.trace_state, out);
  if (span.parent_id.valid()) out = write_id(kParentSpanId, span.parent_id.bytes, out);
  out = write_text(kName, span.name_view(), out);
  *out++ = kKind;
  *out++ = static_cast<std::uint8_t>(span.kind);
  out = write_fixed64(kStartTime, span.start_unix_nanos, out);
  out = write_fixed64(kEndTime, span.end_unix_nanos, out);
  for (std::size_t i = 0; i < span.attribute_count; ++i) {
    out = write_key_value(span, span.attributes[i], sizes.key_value[i], sizes.any_value[i], out);
  }
  if (has_status(span)) {
    out = write_key_length(kStatus, kStatusContent, out);
    *out++ = kStatusCode;
    *out++ = static_cast<std::uint8_t>(span.status);
  }
  return out;
}

// KeyValue { key, AnyValue { string_value } } as a Resource.attributes field, for the envelope
// (once per batch: plain appends are fine).
void append_string_attribute(std::string& out, std::string_view key, std::string_view value) {
  const std::size_t any_value = field_size(value.size());
  const std::size_t key_value = field_size(key.size()) + field_size(any_value);
  std::uint8_t head[1 + kMaxVarint32];
  auto put = [&](std::uint8_t field, std::size_t length) {
    const std::uint8_t* end = write_key_length(field, length, head);
    out.append(reinterpret_cast<const char*>(head), static_cast<std::size_t>(end - head));
  };
  put(kResourceAttribute, key_value);
  put(kKey, key.size());
  out.append(key);
  put(kValue, any_value);
  put(kStringValue, value.size());
  out.append(value);
}

void append_field(std::string& out, std::uint8_t field, std::string_view content) {
  std::uint8_t head[1 + kMaxVarint32];
  const std::uint8_t* end = write_key_length(field, content.size(), head);
  out.append(reinterpret_cast<const char*>(head), static_cast<std::size_t>(end - head));
  out.append(content);
}

// Configured names may be anything: repaired as SpanRecord repairs its strings.
std::string well_formed(std::string_view text) {
  std::string copy(text.size() * 3, '\0');  // every byte replaced by U+FFFD at worst
  copy.resize(utf8::copy_well_formed(text, copy.data(), copy.size()));
  return copy;
}

}  // namespace

OtlpProtobufBatch::OtlpProtobufBatch(const Resource& resource, std::string& out) : out_(out) {
  const std::string name = well_formed(resource.service_name);
  const std::string version = well_formed(resource.service_version);
  std::string attributes;
  append_string_attribute(attributes, "service.name", name);
  append_string_attribute(attributes, "service.version", version);
  append_field(envelope_, kResource, attributes);
  resource_field_ = envelope_.size();
  std::string scope;
  append_field(scope, kScopeName, kInstrumentationScope);
  append_field(scope, kScopeVersion, version);
  append_field(envelope_, kScope, scope);
  // Two keys and two lengths at their largest, besides the envelope's fields.
  room_ = envelope_.size() + 2 * (1 + kMaxVarint32);
  if (out_.size() < room_ + kGrowth) out_.resize(room_ + kGrowth);
  used_ = room_;
}

void OtlpProtobufBatch::add(const SpanRecord& span) {
  const SpanSizes sizes = span_sizes(span);
  const std::size_t needed = field_size(sizes.content);
  if (used_ + needed > out_.size()) out_.resize(used_ + needed + kGrowth);
  auto* start = reinterpret_cast<std::uint8_t*>(out_.data() + used_);
  std::uint8_t* end =
      write_span_content(span, sizes, write_key_length(kSpan, sizes.content, start));
  used_ += static_cast<std::size_t>(end - start);
  ++spans_;
}

std::string_view OtlpProtobufBatch::finish() {
  const std::size_t spans_bytes = used_ - room_;
  const std::size_t scope_field = envelope_.size() - resource_field_;
  const std::size_t scope_spans = scope_field + spans_bytes;
  const std::size_t resource_spans = resource_field_ + field_size(scope_spans);
  // ExportTraceServiceRequest { resource_spans { resource, scope_spans { scope, spans... } } },
  // written so that it ends where the spans begin.
  std::uint8_t head[2 * (1 + kMaxVarint32)];
  std::uint8_t* middle = write_key_length(kResourceSpans, resource_spans, head);
  const auto outer = static_cast<std::size_t>(middle - head);
  const std::uint8_t* end = write_key_length(kScopeSpans, scope_spans, middle);
  const auto inner = static_cast<std::size_t>(end - middle);
  const std::size_t prefix = outer + resource_field_ + inner + scope_field;
  const std::size_t start = room_ - prefix;
  char* at = out_.data() + start;
  std::memcpy(at, head, outer);
  std::memcpy(at + outer, envelope_.data(), resource_field_);
  std::memcpy(at + outer + resource_field_, middle, inner);
  std::memcpy(at + outer + resource_field_ + inner, envelope_.data() + resource_field_,
              scope_field);
  return {at, used_ - start};
}

std::string_view encode_otlp_protobuf(const Resource& resource, std::span<const SpanRecord> spans,
                                      std::string& out) {
  OtlpProtobufBatch batch(resource, out);
  for (const SpanRecord& span : spans) batch.add(span);
  return batch.finish();
}

}  // namespace smlapi::tracing
