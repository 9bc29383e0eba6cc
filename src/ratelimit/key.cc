#include "ratelimit/key.h"

#include <algorithm>
#include <cstdint>

namespace smlapi::ratelimit {
namespace {

std::uint64_t fnv1a(std::string_view bytes) noexcept {
  std::uint64_t hash = 0xcbf29ce484222325ULL;
  for (const char c : bytes) {
    hash ^= static_cast<unsigned char>(c);
    hash *= 0x100000001b3ULL;
  }
  return hash;
}

}  // namespace

std::string_view bounded_key(std::string_view key, std::size_t max_bytes, std::string& scratch) {
  max_bytes = std::max(max_bytes, kMinKeyBytes);
  if (key.size() <= max_bytes) return key;
  static constexpr char kHex[] = "0123456789abcdef";
  const std::uint64_t hash = fnv1a(key);
  scratch.assign(key.substr(0, max_bytes - 17));
  scratch.push_back('#');
  for (int shift = 60; shift >= 0; shift -= 4) scratch.push_back(kHex[(hash >> shift) & 0xF]);
  return scratch;
}

}  // namespace smlapi::ratelimit
