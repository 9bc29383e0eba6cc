// Span names and attribute keys are this code base's constants, each declared once here with its
// OTLP/protobuf encoding computed at compile time: the exporter copies a child span's name and
// kind, or an attribute's key, as one fixed-size block instead of writing a field key, a length
// and the text each time, and a record refers to them with a pointer instead of copying text.
// Names follow OpenTelemetry's semantic conventions where they exist.
#pragma once

#include "tracing/otlp_wire.h"
#include "tracing/span_kind.h"

#include <array>
#include <cstddef>
#include <cstdint>
#include <string_view>

namespace smlapi::tracing {

// Room for an encoded name or key: the encoders copy all of it (a fixed size: a few wide
// stores) and keep that much room past what they write.
inline constexpr std::size_t kEncodedNameBytes = 32;

// A length-delimited field holding a constant text, encoded at compile time, followed by
// whatever the derived constant adds (`trailing` bytes, written by its constructor).
class EncodedText {
 public:
  std::string_view text() const {
    return {reinterpret_cast<const char*>(encoded_.data()) + 2, text_size_};
  }
  const std::array<std::uint8_t, kEncodedNameBytes>& encoded() const { return encoded_; }
  std::size_t encoded_size() const { return size_; }

 protected:
  template <std::size_t N>
  consteval EncodedText(std::uint8_t field, const char (&text)[N], std::size_t trailing)
      : size_(static_cast<std::uint8_t>(N + 1 + trailing)),
        text_size_(static_cast<std::uint8_t>(N - 1)) {
    encoded_[0] = field;
    encoded_[1] = static_cast<std::uint8_t>(N - 1);
    for (std::size_t i = 0; i + 1 < N; ++i) encoded_[2 + i] = static_cast<std::uint8_t>(text[i]);
  }
  std::array<std::uint8_t, kEncodedNameBytes> encoded_{};

 private:
  std::uint8_t size_;
  std::uint8_t text_size_;
};

// A child span's name and kind: Span.name's field (key, length, text) then Span.kind's.
class SpanName : public EncodedText {
 public:
  template <std::size_t N>
  consteval SpanName(const char (&name)[N], SpanKind kind)
      : EncodedText(wire::kName, name, 2), kind_(kind) {
    static_assert(N + 3 <= kEncodedNameBytes);
    encoded_[N + 1] = wire::kKind;
    encoded_[N + 2] = static_cast<std::uint8_t>(kind);
  }
  SpanKind kind() const { return kind_; }

 private:
  SpanKind kind_;
};

// An attribute's key: KeyValue.key's field (key, length, text) and the key of KeyValue.value,
// which always follows it.
class AttributeKey : public EncodedText {
 public:
  template <std::size_t N>
  consteval explicit AttributeKey(const char (&key)[N]) : EncodedText(wire::kKey, key, 1) {
    static_assert(N + 2 <= kEncodedNameBytes);
    encoded_[N + 1] = wire::kValue;
  }
};

// What this service records.
namespace names {
// Child spans.
inline constexpr SpanName kAdmission{"admission", SpanKind::internal};
inline constexpr SpanName kAdmissionStore{"admission.store", SpanKind::client};
inline constexpr SpanName kModelScore{"model.score", SpanKind::internal};
inline constexpr SpanName kCredentialHash{"credential.hash", SpanKind::internal};
// Their attributes.
inline constexpr AttributeKey kDbSystem{"db.system.name"};
inline constexpr AttributeKey kModel{"smlapi.model"};
inline constexpr AttributeKey kTexts{"smlapi.texts"};
inline constexpr AttributeKey kHash{"smlapi.hash"};
// The server span's (HTTP semantic conventions).
inline constexpr AttributeKey kHttpMethod{"http.request.method"};
inline constexpr AttributeKey kHttpRoute{"http.route"};
inline constexpr AttributeKey kUrlPath{"url.path"};
inline constexpr AttributeKey kHttpStatusCode{"http.response.status_code"};
inline constexpr AttributeKey kClientAddress{"client.address"};
}  // namespace names

}  // namespace smlapi::tracing
