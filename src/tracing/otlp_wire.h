// OTLP/protobuf's field keys: the (field number << 3) | wire type byte that starts each field of
// the messages the exporter writes (opentelemetry-proto's collector/trace/v1, trace/v1,
// common/v1, resource/v1). Shared by the encoder and by the names encoded at compile time
// (static_names.h).
#pragma once

#include <cstdint>

namespace smlapi::tracing::wire {

// Field keys: (field number << 3) | wire type. Every key used here fits in one byte (the
// largest, Span.status, is 15 << 3 | 2 = 122).
enum WireType : std::uint8_t { kVarint = 0, kFixed64 = 1, kLengthDelimited = 2 };
constexpr std::uint8_t key(unsigned field, WireType type) {
  return static_cast<std::uint8_t>(field << 3 | type);
}

// ExportTraceServiceRequest.resource_spans, ResourceSpans.resource/scope_spans,
// ScopeSpans.scope/spans, Resource.attributes, InstrumentationScope.name/version.
inline constexpr std::uint8_t kResourceSpans = key(1, kLengthDelimited);
inline constexpr std::uint8_t kResource = key(1, kLengthDelimited);
inline constexpr std::uint8_t kScopeSpans = key(2, kLengthDelimited);
inline constexpr std::uint8_t kScope = key(1, kLengthDelimited);
inline constexpr std::uint8_t kSpan = key(2, kLengthDelimited);
inline constexpr std::uint8_t kResourceAttribute = key(1, kLengthDelimited);
inline constexpr std::uint8_t kScopeName = key(1, kLengthDelimited);
inline constexpr std::uint8_t kScopeVersion = key(2, kLengthDelimited);
// Span (trace/v1/trace.proto).
inline constexpr std::uint8_t kTraceId = key(1, kLengthDelimited);
inline constexpr std::uint8_t kSpanId = key(2, kLengthDelimited);
inline constexpr std::uint8_t kTraceState = key(3, kLengthDelimited);
inline constexpr std::uint8_t kParentSpanId = key(4, kLengthDelimited);
inline constexpr std::uint8_t kName = key(5, kLengthDelimited);
inline constexpr std::uint8_t kKind = key(6, kVarint);
inline constexpr std::uint8_t kStartTime = key(7, kFixed64);
inline constexpr std::uint8_t kEndTime = key(8, kFixed64);
inline constexpr std::uint8_t kAttribute = key(9, kLengthDelimited);
inline constexpr std::uint8_t kStatus = key(15, kLengthDelimited);
inline constexpr std::uint8_t kStatusCode = key(3, kVarint);  // Status.code (field 1 is reserved)
// KeyValue and AnyValue (common/v1/common.proto).
inline constexpr std::uint8_t kKey = key(1, kLengthDelimited);
inline constexpr std::uint8_t kValue = key(2, kLengthDelimited);
inline constexpr std::uint8_t kStringValue = key(1, kLengthDelimited);
inline constexpr std::uint8_t kIntValue = key(3, kVarint);

}  // namespace smlapi::tracing::wire
