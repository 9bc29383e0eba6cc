#include "tracing/otlp_protobuf.h"

#include "common/short_copy.h"
#include "common/utf8.h"
#include "tracing/otlp_wire.h"
#include "tracing/static_names.h"

#include <google/protobuf/io/coded_stream.h>

#include <array>
#include <bit>
#include <cstdint>
#include <cstring>
#include <string_view>

namespace smlapi::tracing {

namespace {

using namespace wire;  // NOLINT(google-build-using-namespace): the field keys, by their names
using Wire = google::protobuf::io::CodedOutputStream;

static_assert(std::endian::native == std::endian::little, "fixed64 fields are stored as they are");

constexpr std::size_t kMaxVarint32 = 5;
// Grown ahead by this much, so a span is written with a raw pointer and no check per field.
constexpr std::size_t kGrowth = 64 * 1024;

// The fields every span has whatever its content: trace id and span id (key, length, bytes),
// start and end times (key, fixed64); the parent's id; the server span's kind.
constexpr std::size_t kIdFields = (2 + sizeof(TraceId::bytes)) + (2 + sizeof(SpanId::bytes));
constexpr std::size_t kParentField = 2 + sizeof(SpanId::bytes);
constexpr std::size_t kTimes = 2 * (1 + 8);
constexpr std::size_t kKindField = 2;
// Status { code } with code 1 or 2: the field's key and length, then key and one-byte varint.
constexpr std::size_t kStatusField = 4;

static_assert(kEncodedNameBytes <= OtlpProtobufBatch::kWriteSlack);

// Lengths inside a span nearly always fit in one byte: that case without the general code.
inline std::size_t varint_size(std::size_t value) {
  return value < 0x80 ? 1 : Wire::VarintSize32(static_cast<std::uint32_t>(value));
}

// A length-delimited field's size: key, length, content.
inline std::size_t field_size(std::size_t content) { return 1 + varint_size(content) + content; }

// An attribute's sizes: its AnyValue's and its KeyValue's (written as length prefixes) and its
// whole Span.attributes field's. With one-byte lengths throughout (values up to about 100
// bytes: all but long paths) that is plain arithmetic.
struct AttributeSizes {
  std::size_t any_value = 0;
  std::size_t key_value = 0;
  AttributeSizes() = default;
  AttributeSizes(const AttributeKey& key, std::size_t any)
      : any_value(any), key_value(key.encoded_size() + varint_size(any) + any) {}
  std::size_t field() const { return field_size(key_value); }
};

AttributeSizes string_sizes(const AttributeKey& key, std::size_t value) {
  return {key, field_size(value)};
}
AttributeSizes int_sizes(const AttributeKey& key, std::int64_t value) {
  return {key, 1 + Wire::VarintSize64(static_cast<std::uint64_t>(value))};  // negatives: 10
}

std::size_t status_size(SpanStatus status) {
  return status == SpanStatus::unset ? 0 : kStatusField;
}

// Writes fields at a raw pointer: the room was made for the whole span before (and
// OtlpProtobufBatch::kWriteSlack bytes beyond it, which the fixed-size copies of pre-encoded
// names may overwrite). Everything is inlined into the span's writer: a span is a few dozen
// stores.
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
  // A pre-encoded name or key: a fixed-size copy (a few wide stores), then the position moves
  // by what it is; the bytes past it are overwritten next.
  [[gnu::always_inline]] void encoded(const std::array<std::uint8_t, kEncodedNameBytes>& bytes,
                                      std::size_t size) {
    std::memcpy(at_, bytes.data(), kEncodedNameBytes);
    at_ += size;
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
  [[gnu::always_inline]] void times(std::uint64_t start, std::uint64_t end) {
    *at_ = kStartTime;
    std::memcpy(at_ + 1, &start, 8);
    at_[9] = kEndTime;
    std::memcpy(at_ + 10, &end, 8);
    at_ += kTimes;
  }
  [[gnu::always_inline]] void attribute_head(const AttributeKey& key, const AttributeSizes& sizes) {
    key_length(kAttribute, sizes.key_value);
    encoded(key.encoded(), key.encoded_size());  // KeyValue.key and the key of KeyValue.value
    if (sizes.any_value < 0x80) {
      *at_++ = static_cast<std::uint8_t>(sizes.any_value);
    } else {
      at_ = Wire::WriteVarint32ToArray(static_cast<std::uint32_t>(sizes.any_value), at_);
    }
  }
  [[gnu::always_inline]] void string_attribute(const AttributeKey& key, std::string_view value,
                                               const AttributeSizes& sizes) {
    attribute_head(key, sizes);
    text(kStringValue, value);
  }
  [[gnu::always_inline]] void int_attribute(const AttributeKey& key, std::int64_t value,
                                            const AttributeSizes& sizes) {
    attribute_head(key, sizes);
    *at_++ = kIntValue;
    at_ = Wire::WriteVarint64ToArray(static_cast<std::uint64_t>(value), at_);
  }
  [[gnu::always_inline]] void status(SpanStatus status) {
    if (status == SpanStatus::unset) return;
    at_[0] = kStatus;
    at_[1] = 2;
    at_[2] = kStatusCode;
    at_[3] = static_cast<std::uint8_t>(status);
    at_ += kStatusField;
  }

 private:
  std::uint8_t* at_;
};

// A copied string as protobuf may carry it: itself when it is ASCII (nearly always, and checked
// a word at a time), else its repaired copy in `scratch` (room for 3 bytes per byte).
[[gnu::always_inline]] inline std::string_view well_formed(std::string_view text, char* scratch) {
  if (utf8::is_ascii(text)) return text;
  return {scratch, utf8::copy_well_formed(text, scratch, 3 * text.size())};
}

// KeyValue { key, AnyValue { string_value } } as a Resource.attributes field, for the envelope
// (once per batch: plain appends are fine).
void append_string_attribute(std::string& out, std::string_view key, std::string_view value) {
  const std::size_t any_value = field_size(value.size());
  const std::size_t key_value = field_size(key.size()) + field_size(any_value);
  std::string field(field_size(key_value), '\0');
  FieldWriter writer(reinterpret_cast<std::uint8_t*>(field.data()));
  writer.key_length(kResourceAttribute, key_value);
  writer.text(kKey, key);
  writer.key_length(kValue, any_value);
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
  const AttributeSizes method_sizes = string_sizes(names::kHttpMethod, request.method.size());
  const AttributeSizes route_sizes = string_sizes(names::kHttpRoute, request.route.size());
  const AttributeSizes path_sizes = string_sizes(names::kUrlPath, path.size());
  const AttributeSizes status_sizes = int_sizes(names::kHttpStatusCode, request.status);
  const AttributeSizes address_sizes = string_sizes(names::kClientAddress, address.size());
  const SpanStatus status = request.server_status();
  std::size_t content = kIdFields + field_size(name_length) + kKindField + kTimes +
                        method_sizes.field() + path_sizes.field() + status_sizes.field() +
                        address_sizes.field() + status_size(status);
  if (!request.trace_state.empty()) content += field_size(request.trace_state.size());
  if (request.parent_id.valid()) content += kParentField;
  if (routed) content += route_sizes.field();

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
  out.raw(std::string_view("\x30\x02", kKindField));  // Span.kind: SPAN_KIND_SERVER
  static_assert(wire::kKind == 0x30 && static_cast<int>(SpanKind::server) == 2);
  out.times(request.unix_nanos(request.start_nanos), request.unix_nanos(request.end_nanos));
  out.string_attribute(names::kHttpMethod, request.method, method_sizes);
  if (routed) out.string_attribute(names::kHttpRoute, request.route, route_sizes);
  out.string_attribute(names::kUrlPath, path, path_sizes);
  out.int_attribute(names::kHttpStatusCode, request.status, status_sizes);
  out.string_attribute(names::kClientAddress, address, address_sizes);
  out.status(status);
  used_ += total;
  ++spans_;
}

// A child span: its pre-encoded name and kind, and its attributes (values checked for UTF-8).
void OtlpProtobufBatch::add_child_span(const RequestSpans& request, std::size_t index) {
  const SpanRecord& span = request.children[index];
  std::array<char, 3 * kSpanTextBytes> scratch;
  std::array<std::string_view, kMaxAttributes> values;
  std::array<AttributeSizes, kMaxAttributes> sizes;
  std::size_t content =
      kIdFields + kParentField + span.name->encoded_size() + kTimes + status_size(span.status);
  std::size_t repaired = 0;
  for (std::size_t i = 0; i < span.attribute_count; ++i) {
    const Attribute& attribute = span.attributes[i];
    if (attribute.is_integer) {
      sizes[i] = int_sizes(*attribute.key, attribute.integer);
    } else {
      values[i] = well_formed(span.text_value(attribute), scratch.data() + repaired);
      repaired += values[i].size();
      sizes[i] = string_sizes(*attribute.key, values[i].size());
    }
    content += sizes[i].field();
  }

  const std::size_t total = field_size(content);
  FieldWriter out(room_for(total));
  out.key_length(kSpan, content);
  out.id(kTraceId, request.trace_id.bytes);
  out.id(kSpanId, child_span_id(request.span_id, index).bytes);
  out.id(kParentSpanId, request.span_id.bytes);
  out.encoded(span.name->encoded(), span.name->encoded_size());  // Span.name and Span.kind
  out.times(request.unix_nanos(span.start_nanos), request.unix_nanos(span.end_nanos));
  for (std::size_t i = 0; i < span.attribute_count; ++i) {
    const Attribute& attribute = span.attributes[i];
    if (attribute.is_integer) {
      out.int_attribute(*attribute.key, attribute.integer, sizes[i]);
    } else {
      out.string_attribute(*attribute.key, values[i], sizes[i]);
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
