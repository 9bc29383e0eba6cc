// Trace and span ids (W3C Trace Context: 16 and 8 bytes, lower-case hex on the wire; all zeros
// is invalid) and the generator that makes new ones. The generator is a seeded xoshiro256**:
// ids must be unique, not secret (they travel in headers and logs), so a worker's own generator
// seeded once from the system's random source costs nanoseconds and takes no lock.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

namespace smlapi::tracing {

namespace detail {
// Not all zeros, a word at a time (checked for every span an exporter encodes).
template <std::size_t N>
bool any_nonzero(const std::array<std::uint8_t, N>& bytes) {
  static_assert(N % sizeof(std::uint64_t) == 0);
  std::uint64_t any = 0;
  for (std::size_t i = 0; i < N; i += sizeof any) {
    std::uint64_t word;
    std::memcpy(&word, bytes.data() + i, sizeof word);
    any |= word;
  }
  return any != 0;
}
}  // namespace detail

struct TraceId {
  std::array<std::uint8_t, 16> bytes{};
  bool valid() const { return detail::any_nonzero(bytes); }  // not all zeros
  friend bool operator==(const TraceId&, const TraceId&) = default;
};

struct SpanId {
  std::array<std::uint8_t, 8> bytes{};
  bool valid() const { return detail::any_nonzero(bytes); }
  friend bool operator==(const SpanId&, const SpanId&) = default;
};

inline constexpr std::size_t kTraceIdHexLength = 32;
inline constexpr std::size_t kSpanIdHexLength = 16;

// Lower-case hex into `out` (exactly 2 * bytes characters).
void write_hex(const std::uint8_t* bytes, std::size_t size, char* out);
std::string to_hex(const TraceId& id);
std::string to_hex(const SpanId& id);
// Decodes exactly 2 * size lower-case hex characters; false on anything else (upper case
// included: the W3C format is lower-case only).
bool read_lower_hex(std::string_view text, std::uint8_t* bytes, std::size_t size);

// Makes valid (never all-zero) ids. One per thread: not thread-safe.
class IdGenerator {
 public:
  explicit IdGenerator(const std::array<std::uint64_t, 4>& seed);
  TraceId trace_id();
  SpanId span_id();
  std::uint64_t next();

 private:
  std::array<std::uint64_t, 4> state_;
};

}  // namespace smlapi::tracing
