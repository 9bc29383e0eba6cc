// One finished span as the exporter needs it: fixed size, no heap, so recording a span is a few
// stores and handing it to the exporter one copy (nothing is recorded for unsampled requests).
// Compact, because every sampled request copies its spans into the exporter's ring: the span's
// name and its string attribute values share one small text area (values cut at
// kMaxAttributeText bytes, and at what is left of the area), attribute keys and span names are
// static strings (OpenTelemetry's HTTP semantic conventions where they exist), and the caller's
// tracestate (up to 512 bytes, on server spans only) is not in the record but referred to: the
// span queue copies it beside the record when there is one. The name and values are kept as
// well-formed UTF-8 (ill-formed bytes become U+FFFD, cuts fall between characters): the OTLP
// encodings' string fields must be, and a request's path is whatever the client sent.
#pragma once

#include "tracing/ids.h"

#include <array>
#include <cstddef>
#include <cstdint>
#include <string_view>

namespace smlapi::tracing {

enum class SpanKind : std::uint8_t { internal = 1, server = 2, client = 3 };  // OTLP's numbers
enum class SpanStatus : std::uint8_t { unset = 0, ok = 1, error = 2 };        // OTLP's numbers

inline constexpr std::size_t kMaxAttributes = 6;
inline constexpr std::size_t kMaxAttributeText = 96;
inline constexpr std::size_t kMaxSpanName = 64;
// The name and every string value together: the server span's method, route, path and client
// address fit at their usual lengths; a long path is cut rather than growing every record.
inline constexpr std::size_t kSpanTextBytes = 224;

struct Attribute {
  std::string_view key;  // a static string
  std::int64_t integer = 0;
  std::uint8_t offset = 0;  // of a string value in the span's text area
  std::uint8_t length = 0;
  bool is_integer = false;
};

struct SpanRecord {
  TraceId trace_id;
  SpanId span_id;
  SpanId parent_id;  // all zeros: a root span
  SpanKind kind = SpanKind::internal;
  SpanStatus status = SpanStatus::unset;
  std::uint8_t name_length = 0;
  std::uint8_t attribute_count = 0;
  std::uint8_t text_used = 0;  // bytes of `text` in use (the name first)
  std::uint64_t start_unix_nanos = 0;
  std::uint64_t end_unix_nanos = 0;
  // The caller's tracestate (server spans); the bytes belong to whoever filled the record (the
  // request's trace, then the span queue's copy).
  std::string_view trace_state;
  std::array<Attribute, kMaxAttributes> attributes;
  std::array<char, kSpanTextBytes> text;  // not initialised: only `text_used` bytes are read

  std::string_view name_view() const { return {text.data(), name_length}; }
  std::string_view trace_state_view() const { return trace_state; }
  std::string_view text_value(const Attribute& attribute) const {
    return {text.data() + attribute.offset, attribute.length};
  }
  // Replaces the name and drops the attributes (the name is first in the text area).
  void set_name(std::string_view name);
  // Name "<first> <second>" (the HTTP server span's "{method} {route}").
  void set_name(std::string_view first, std::string_view second);
  // Ignored once kMaxAttributes are set.
  void add(std::string_view key, std::string_view value);
  void add(std::string_view key, std::int64_t value);
};

}  // namespace smlapi::tracing
