#include "tracing/otlp_protobuf.h"

#include "common/short_copy.h"
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

constexpr std::size_t kMaxVarint32 = 5;
// Grown ahead by this much, so a span is written with a raw pointer and no check per field.
constexpr std::size_t kGrowth = 64 * 1024;

// The fields every span has whatever its content: trace id and span id (key, length, bytes),
// kind (key, one-byte varint), start and end times (key, fixed64).
constexpr std::size_t kIdFields = (2 + sizeof(TraceId::bytes)) + (2 + sizeof(SpanId::bytes));
constexpr std::size_t kParentField = 2 + sizeof(SpanId::bytes);
constexpr std::size_t kKindAndTimes = 2 + 2 * (1 + 8);
// Status { code } with code 1 or 2: the field's key and length, then key and one-byte varint.
constexpr std::size_t kStatusField = 4;

// Lengths inside a span nearly always fit in one byte: that case without the general code.
inline std::size_t varint_size(std::size_t value) {
  return value < 0x80 ? 1 : Wire::VarintSize32(static_cast<std::uint32_t>(value));
}

// A length-delimited field's size: key, length, content.
inline std::size_t field_size(std::size_t content) { return 1 + varint_size(content) + content; }

// KeyValue { key, AnyValue { string_value } } as a Span.attributes field.
struct StringAttribute {
  std::size_t any_value;
  std::size_t key_value;
  StringAttribute(std::string_view key, std::size_t value_length)
      : any_value(field_size(value_length)),
        key_value(field_size(key.size()) + field_size(any_value)) {}
  std::size_t field() const { return field_size(key_value); }
};

// KeyValue { key, AnyValue { int_value } } (negatives as ten-byte varints).
struct IntAttribute {
  std::size_t any_value;
  std::size_t key_value;
  IntAttribute(std::string_view key, std::int64_t value)
      : any_value(1 + Wire::VarintSize64(static_cast<std::uint64_t>(value))),
        key_value(field_size(key.size()) + field_size(any_value)) {}
  std::size_t field() const { return field_size(key_value); }
};

// An attribute key of this code base, pre-encoded with what follows it in every KeyValue:
// KeyValue.key's field (key, length, the key) and the key of KeyValue.value. An attribute with
// a static key is then its field's key and length, this prefix, and its AnyValue.
struct StaticKey {
  std::array<std::uint8_t, 32> bytes{};
  std::uint8_t size = 0;  // of the prefix
  std::uint8_t key_size = 0;
  template <std::size_t N>
  consteval explicit StaticKey(const char (&key)[N]) : size(N + 2), key_size(N - 1) {
    static_assert(N + 2 <= 32);
    bytes[0] = kKey;
    bytes[1] = static_cast<std::uint8_t>(N - 1);
    for (std::size_t i = 0; i + 1 < N; ++i) bytes[2 + i] = static_cast<std::uint8_t>(key[i]);
    bytes[N + 1] = kValue;
  }
  std::string_view key() const {
    return {reinterpret_cast<const char*>(bytes.data()) + 2, key_size};
  }
};

constexpr StaticKey kMethodKey("http.request.method");
constexpr StaticKey kRouteKey("http.route");
constexpr StaticKey kPathKey("url.path");
constexpr StaticKey kStatusCodeKey("http.response.status_code");
constexpr StaticKey kAddressKey("client.address");

// A string attribute with a static key: its field's size. When every length in it fits in one
// byte (values up to about 100 bytes: all but long paths) that is plain arithmetic.
inline std::size_t string_attribute_size(const StaticKey& key, std::size_t value) {
  const std::size_t key_value = key.key_size + 6 + value;
  if (key_value < 0x80) return key_value + 2;
  return StringAttribute(key.key(), value).field();
}

// Writes fields at a raw pointer: the room was made for the whole span before. Everything is
// inlined into the span's writer: a span is a few dozen stores.
class FieldWriter {
 public:
  explicit FieldWriter(std::uint8_t* at) : at_(at) {}
  std::uint8_t* end() const { return at_; }

  [[gnu::always_inline]] void key_length(std::uint8_t field, std::size_t length) {
    *at_++ = field;
    if (length < 0x80) {
      *at_++ = static_cast<std::uint8_t>(length);
    } else {
      at_ = Wire::WriteVarint32ToArray(static_cast<std::uint32_t>(length), at_);
    }
  }
  [[gnu::always_inline]] void raw(std::string_view bytes) {
    copy_short(at_, bytes.data(), bytes.size());
    at_ += bytes.size();
  }
  [[gnu::always_inline]] void text(std::uint8_t field, std::string_view value) {
    key_length(field, value.size());
    raw(value);
  }
  // An id: a fixed size, so the copy is a load and a store or two rather than a call.
  template <std::size_t N>
  [[gnu::always_inline]] void id(std::uint8_t field, const std::array<std::uint8_t, N>& bytes) {
    static_assert(N < 128);  // a one-byte length
    *at_++ = field;
    *at_++ = static_cast<std::uint8_t>(N);
    std::memcpy(at_, bytes.data(), N);
    at_ += N;
  }
  [[gnu::always_inline]] void kind_and_times(SpanKind kind, std::uint64_t start,
                                             std::uint64_t end) {
    *at_++ = kKind;
    *at_++ = static_cast<std::uint8_t>(kind);
    *at_++ = kStartTime;
    at_ = Wire::WriteLittleEndian64ToArray(start, at_);
    *at_++ = kEndTime;
    at_ = Wire::WriteLittleEndian64ToArray(end, at_);
  }
  [[gnu::always_inline]] void string_attribute(std::string_view key, std::string_view value,
                                               const StringAttribute& sizes) {
    key_length(kAttribute, sizes.key_value);
    text(kKey, key);
    key_length(kValue, sizes.any_value);
    text(kStringValue, value);
  }
  [[gnu::always_inline]] void int_attribute(std::string_view key, std::int64_t value,
                                            const IntAttribute& sizes) {
    key_length(kAttribute, sizes.key_value);
    text(kKey, key);
    key_length(kValue, sizes.any_value);
    int_value(value);
  }
  [[gnu::always_inline]] void prefix(const StaticKey& key) {
    // A fixed size, so a few wide stores; the bytes past the prefix are overwritten next (the
    // batch keeps OtlpProtobufBatch::kWriteSlack bytes of room beyond every span).
    static_assert(sizeof key.bytes <= OtlpProtobufBatch::kWriteSlack);
    std::memcpy(at_, key.bytes.data(), key.bytes.size());
    at_ += key.size;
  }
  [[gnu::always_inline]] void string_attribute(const StaticKey& key, std::string_view value) {
    const std::size_t key_value = key.key_size + 6 + value.size();
    if (key_value >= 0x80) {
      return string_attribute(key.key(), value, StringAttribute(key.key(), value.size()));
    }
    *at_++ = kAttribute;
    *at_++ = static_cast<std::uint8_t>(key_value);
    prefix(key);
    *at_++ = static_cast<std::uint8_t>(2 + value.size());  // AnyValue's length
    text(kStringValue, value);
  }
  [[gnu::always_inline]] void int_value(std::int64_t value) {
    *at_++ = kIntValue;
    at_ = Wire::WriteVarint64ToArray(static_cast<std::uint64_t>(value), at_);
  }
  [[gnu::always_inline]] void status(SpanStatus status) {
    if (status == SpanStatus::unset) return;
    *at_++ = kStatus;
    *at_++ = 2;
    *at_++ = kStatusCode;
    *at_++ = static_cast<std::uint8_t>(status);
  }

 private:
  std::uint8_t* at_;
};

std::size_t status_size(SpanStatus status) {
  return status == SpanStatus::unset ? 0 : kStatusField;
}

// A copied string as protobuf may carry it: itself when it is ASCII (nearly always, and checked
// a word at a time), else its repaired copy in `scratch` (room for 3 bytes per byte).
[[gnu::always_inline]] inline std::string_view well_formed(std::string_view text, char* scratch) {
  if (utf8::is_ascii(text)) return text;
  return {scratch, utf8::copy_well_formed(text, scratch, 3 * text.size())};
}

// KeyValue { key, AnyValue { string_value } } as a Resource.attributes field, for the envelope
// (once per batch: plain appends are fine).
void append_string_attribute(std::string& out, std::string_view key, std::string_view value) {
  const StringAttribute sizes(key, value.size());
  std::string field(sizes.field(), '\0');
  FieldWriter writer(reinterpret_cast<std::uint8_t*>(field.data()));
  writer.key_length(kResourceAttribute, sizes.key_value);
  writer.text(kKey, key);
  writer.key_length(kValue, sizes.any_value);
  writer.text(kStringValue, value);
  out.append(field);
}

void append_field(std::string& out, std::uint8_t field, std::string_view content) {
  std::uint8_t head[1 + kMaxVarint32];
  FieldWriter writer(head);
  writer.key_length(field, content.size());
  out.append(reinterpret_cast<const char*>(head), static_cast<std::size_t>(writer.end() - head));
  out.append(content);
}

// Configured names may be anything: repaired as recorded strings are.
std::string well_formed_copy(std::string_view text) {
  std::string copy(text.size() * 3, '\0');  // every byte replaced by U+FFFD at worst
  copy.resize(utf8::copy_well_formed(text, copy.data(), copy.size()));
  return copy;
}

}  // namespace

OtlpProtobufBatch::OtlpProtobufBatch(const Resource& resource, std::string& out) : out_(out) {
  const std::string name = well_formed_copy(resource.service_name);
  const std::string version = well_formed_copy(resource.service_version);
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

void OtlpProtobufBatch::grow(std::size_t bytes) { out_.resize(used_ + bytes + kGrowth); }

void OtlpProtobufBatch::add(const RequestSpans& request) {
  add_server_span(request);
  for (std::size_t i = 0; i < request.child_count; ++i) add_child_span(request, i);
}

// The server span: "{method} {route}" and the HTTP semantic conventions' attributes.
void OtlpProtobufBatch::add_server_span(const RequestSpans& request) {
  std::array<char, 3 * kMaxPathBytes> path_scratch;
  std::array<char, 3 * kMaxAddressBytes> address_scratch;
  const std::string_view path = well_formed(request.path_view(), path_scratch.data());
  const std::string_view address = well_formed(request.address_view(), address_scratch.data());
  const bool routed = !request.route.empty();
  const std::size_t name_length = request.method.size() + (routed ? 1 + request.route.size() : 0);
  const IntAttribute status_sizes(kStatusCodeKey.key(), request.status);
  const SpanStatus status = request.server_status();
  std::size_t content = kIdFields + field_size(name_length) + kKindAndTimes +
                        string_attribute_size(kMethodKey, request.method.size()) +
                        string_attribute_size(kPathKey, path.size()) + status_sizes.field() +
                        string_attribute_size(kAddressKey, address.size()) + status_size(status);
  if (!request.trace_state.empty()) content += field_size(request.trace_state.size());
  if (request.parent_id.valid()) content += kParentField;
  if (routed) content += string_attribute_size(kRouteKey, request.route.size());

  const std::size_t total = field_size(content);
  FieldWriter out(room_for(total));
  out.key_length(kSpan, content);
  out.id(kTraceId, request.trace_id.bytes);
  out.id(kSpanId, request.span_id.bytes);
  // The tracestate was normalised when it came (printable ASCII only): written as it is.
  if (!request.trace_state.empty()) out.text(kTraceState, request.trace_state);
  if (request.parent_id.valid()) out.id(kParentSpanId, request.parent_id.bytes);
  out.key_length(kName, name_length);
  out.raw(request.method);
  if (routed) {
    out.raw(" ");
    out.raw(request.route);
  }
  out.kind_and_times(SpanKind::server, request.unix_nanos(request.start_nanos),
                     request.unix_nanos(request.end_nanos));
  out.string_attribute(kMethodKey, request.method);
  if (routed) out.string_attribute(kRouteKey, request.route);
  out.string_attribute(kPathKey, path);
  out.int_attribute(kStatusCodeKey.key(), request.status, status_sizes);
  out.string_attribute(kAddressKey, address);
  out.status(status);
  used_ += total;
  ++spans_;
}

void OtlpProtobufBatch::add_child_span(const RequestSpans& request, std::size_t index) {
  const SpanRecord& span = request.children[index];
  std::array<char, 3 * kSpanTextBytes> scratch;
  std::array<std::string_view, kMaxAttributes> values;
  std::array<std::size_t, kMaxAttributes> any_value;
  std::array<std::size_t, kMaxAttributes> key_value;
  std::size_t content = kIdFields + kParentField + field_size(span.name.size()) + kKindAndTimes +
                        status_size(span.status);
  std::size_t repaired = 0;
  for (std::size_t i = 0; i < span.attribute_count; ++i) {
    const Attribute& attribute = span.attributes[i];
    if (attribute.is_integer) {
      const IntAttribute sizes(attribute.key, attribute.integer);
      any_value[i] = sizes.any_value;
      key_value[i] = sizes.key_value;
    } else {
      values[i] = well_formed(span.text_value(attribute), scratch.data() + repaired);
      repaired += values[i].size();
      const StringAttribute sizes(attribute.key, values[i].size());
      any_value[i] = sizes.any_value;
      key_value[i] = sizes.key_value;
    }
    content += field_size(key_value[i]);
  }

  const std::size_t total = field_size(content);
  FieldWriter out(room_for(total));
  out.key_length(kSpan, content);
  out.id(kTraceId, request.trace_id.bytes);
  out.id(kSpanId, child_span_id(request.span_id, index).bytes);
  out.id(kParentSpanId, request.span_id.bytes);
  out.text(kName, span.name);
  out.kind_and_times(span.kind, request.unix_nanos(span.start_nanos),
                     request.unix_nanos(span.end_nanos));
  for (std::size_t i = 0; i < span.attribute_count; ++i) {
    const Attribute& attribute = span.attributes[i];
    out.key_length(kAttribute, key_value[i]);
    out.text(kKey, attribute.key);
    out.key_length(kValue, any_value[i]);
    if (attribute.is_integer) {
      out.int_value(attribute.integer);
    } else {
      out.text(kStringValue, values[i]);
    }
  }
  out.status(span.status);
  used_ += total;
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
  FieldWriter writer(head);
  writer.key_length(kResourceSpans, resource_spans);
  std::uint8_t* middle = writer.end();
  const auto outer = static_cast<std::size_t>(middle - head);
  writer.key_length(kScopeSpans, scope_spans);
  const auto inner = static_cast<std::size_t>(writer.end() - middle);
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

std::string_view encode_otlp_protobuf(const Resource& resource,
                                      std::span<const RequestSpans> requests, std::string& out) {
  OtlpProtobufBatch batch(resource, out);
  for (const RequestSpans& request : requests) batch.add(request);
  return batch.finish();
}

}  // namespace smlapi::tracing
