#include "tracing/ids.h"

#include <cstring>

namespace smlapi::tracing {

namespace {
constexpr char kHexDigits[] = "0123456789abcdef";

int lower_hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}

std::uint64_t rotl(std::uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

// Both hex digits of every byte: one load per byte (ids are written into every access-log line,
// traceresponse header and exported span).
constexpr std::array<std::array<char, 2>, 256> kHexPairs = [] {
  std::array<std::array<char, 2>, 256> pairs{};
  for (std::size_t i = 0; i < pairs.size(); ++i)
    pairs[i] = {kHexDigits[i >> 4], kHexDigits[i & 0x0F]};
  return pairs;
}();
}  // namespace

void write_hex(const std::uint8_t* bytes, std::size_t size, char* out) {
  for (std::size_t i = 0; i < size; ++i) std::memcpy(out + 2 * i, kHexPairs[bytes[i]].data(), 2);
}

std::string to_hex(const TraceId& id) {
  std::string out(kTraceIdHexLength, '0');
  write_hex(id.bytes.data(), id.bytes.size(), out.data());
  return out;
}

std::string to_hex(const SpanId& id) {
  std::string out(kSpanIdHexLength, '0');
  write_hex(id.bytes.data(), id.bytes.size(), out.data());
  return out;
}

bool read_lower_hex(std::string_view text, std::uint8_t* bytes, std::size_t size) {
  if (text.size() != 2 * size) return false;
  for (std::size_t i = 0; i < size; ++i) {
    const int high = lower_hex_value(text[2 * i]);
    const int low = lower_hex_value(text[2 * i + 1]);
    if (high < 0 || low < 0) return false;
    bytes[i] = static_cast<std::uint8_t>(high << 4 | low);
  }
  return true;
}

IdGenerator::IdGenerator(const std::array<std::uint64_t, 4>& seed) : state_(seed) {
  // xoshiro's one forbidden state; any other seed works.
  if (state_[0] == 0 && state_[1] == 0 && state_[2] == 0 && state_[3] == 0) state_[0] = 1;
}

// xoshiro256** (Blackman and Vigna).
std::uint64_t IdGenerator::next() {
  const std::uint64_t result = rotl(state_[1] * 5, 7) * 9;
  const std::uint64_t t = state_[1] << 17;
  state_[2] ^= state_[0];
  state_[3] ^= state_[1];
  state_[1] ^= state_[2];
  state_[0] ^= state_[3];
  state_[2] ^= t;
  state_[3] = rotl(state_[3], 45);
  return result;
}

TraceId IdGenerator::trace_id() {
  TraceId id;
  do {
    const std::uint64_t high = next();
    const std::uint64_t low = next();
    std::memcpy(id.bytes.data(), &high, 8);
    std::memcpy(id.bytes.data() + 8, &low, 8);
  } while (!id.valid());
  return id;
}

SpanId IdGenerator::span_id() {
  SpanId id;
  do {
    const std::uint64_t value = next();
    std::memcpy(id.bytes.data(), &value, 8);
  } while (!id.valid());
  return id;
}

}  // namespace smlapi::tracing
