// One finished span as the exporter needs it: fixed size, no heap, so recording a span is a few
// stores and handing it to the exporter a copy (nothing is recorded for unsampled requests).
// Attribute keys and span names are static strings (OpenTelemetry's HTTP semantic conventions
// where they exist); string values are copied and cut at kMaxAttributeText bytes.
#pragma once

#include "tracing/ids.h"
#include "tracing/trace_state.h"

#include <array>
#include <cstddef>
#include <cstdint>
#include <string_view>

namespace smlapi::tracing {

enum class SpanKind : std::uint8_t { internal = 1, server = 2, client = 3 };  // OTLP's numbers
enum class SpanStatus : std::uint8_t { unset = 0, ok = 1, error = 2 };        // OTLP's numbers

inline constexpr std::size_t kMaxAttributes = 8;
inline constexpr std::size_t kMaxAttributeText = 96;
inline constexpr std::size_t kMaxSpanName = 64;

struct Attribute {
  std::string_view key;  // a static string
  bool is_integer = false;
  std::int64_t integer = 0;
  std::uint8_t length = 0;
  std::array<char, kMaxAttributeText> text;  // not initialised: only `length` bytes are read

  std::string_view text_value() const { return {text.data(), length}; }
};

struct SpanRecord {
  TraceId trace_id;
  SpanId span_id;
  SpanId parent_id;  // all zeros: a root span
  SpanKind kind = SpanKind::internal;
  SpanStatus status = SpanStatus::unset;
  std::uint8_t name_length = 0;
  std::uint8_t attribute_count = 0;
  std::uint16_t trace_state_length = 0;
  std::uint64_t start_unix_nanos = 0;
  std::uint64_t end_unix_nanos = 0;
  std::array<char, kMaxSpanName> name;
  std::array<Attribute, kMaxAttributes> attributes;
  std::array<char, kMaxTraceStateLength> trace_state;

  std::string_view name_view() const { return {name.data(), name_length}; }
  std::string_view trace_state_view() const { return {trace_state.data(), trace_state_length}; }
  void set_name(std::string_view text);
  // Name "<first> <second>" (the HTTP server span's "{method} {route}").
  void set_name(std::string_view first, std::string_view second);
  // Ignored once kMaxAttributes are set.
  void add(std::string_view key, std::string_view value);
  void add(std::string_view key, std::int64_t value);
};

}  // namespace smlapi::tracing
