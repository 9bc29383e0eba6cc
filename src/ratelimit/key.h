#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace smlapi::ratelimit {

// Keys embed client-chosen parts (token subjects, account names), so their length is bounded
// before they are stored: a key longer than `max_bytes` is replaced by its first
// max_bytes - 17 bytes, '#', and 16 hex digits of a 64-bit FNV-1a hash of the whole key.
// Two long keys then only share state if they share that prefix and the hash.
inline constexpr std::size_t kMinKeyBytes = 32;

std::string_view bounded_key(std::string_view key, std::size_t max_bytes, std::string& scratch);

}  // namespace smlapi::ratelimit
