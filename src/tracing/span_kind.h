// A span's kind and status as OTLP numbers them.
#pragma once

#include <cstdint>

namespace smlapi::tracing {

enum class SpanKind : std::uint8_t { internal = 1, server = 2, client = 3 };
enum class SpanStatus : std::uint8_t { unset = 0, ok = 1, error = 2 };

}  // namespace smlapi::tracing
