// A child span of a request (admission, the store round trip, model scoring, credential hashing)
// as it is recorded: fixed size, no heap, a few stores to fill. What every span of the request
// shares (trace id, parent, the clock's anchor) is the request's (RequestTrace), and the child's
// own id is derived from the server span's (child_span_id), so none of it is stored here.
//
// Names and attribute keys are constants of this code base (static_names.h): referred to, never
// copied. String values are copied into the
// span's small text area as they came, cut between characters at its end; they are checked and
// repaired to well-formed UTF-8 (the OTLP encodings' string fields must be) when encoded, on the
// exporter's thread, not here on the request's.
#pragma once

#include "tracing/span_kind.h"
#include "tracing/static_names.h"

#include <array>
#include <cstddef>
#include <cstdint>
#include <string_view>

namespace smlapi::tracing {

inline constexpr std::size_t kMaxAttributes = 2;   // per child span
inline constexpr std::size_t kSpanTextBytes = 40;  // a child's string values together

struct Attribute {
  const AttributeKey* key = nullptr;
  std::int64_t integer = 0;
  std::uint8_t offset = 0;  // of a string value in the span's text area
  std::uint8_t length = 0;
  bool is_integer = false;
};

struct SpanRecord {
  const SpanName* name = nullptr;
  // Steady-clock nanoseconds; the request's clock anchor turns them into wall-clock time.
  std::int64_t start_nanos = 0;
  std::int64_t end_nanos = 0;
  SpanStatus status = SpanStatus::unset;
  std::uint8_t attribute_count = 0;
  std::uint8_t text_used = 0;
  std::array<Attribute, kMaxAttributes> attributes;
  std::array<char, kSpanTextBytes> text;  // not initialised: only `text_used` bytes are read

  // As recorded: possibly ill-formed UTF-8 (the encoders repair it).
  std::string_view text_value(const Attribute& attribute) const {
    return {text.data() + attribute.offset, attribute.length};
  }
  // Ignored once kMaxAttributes are set; a value is cut to what is left of the text area.
  void add(const AttributeKey& key, std::string_view value);
  void add(const AttributeKey& key, std::int64_t value);
};

// How many of `text`'s bytes fit in `room` without ending inside a UTF-8 sequence: all of it
// when it fits, else `room` moved back over continuation bytes (at most three: a cut through
// an ill-formed run is the encoder's to repair).
inline std::size_t cut_between_characters(std::string_view text, std::size_t room) {
  if (text.size() <= room) return text.size();
  std::size_t cut = room;
  // text[cut] is the first byte left out: while it continues a sequence, leave that one out too.
  for (int i = 0; i < 3 && cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80; ++i)
    --cut;
  return cut;
}

}  // namespace smlapi::tracing
