// How long fetched keys are kept before they are fetched again, from the answer's Cache-Control
// header (RFC 9111 max-age), clamped: a provider answering max-age=0 must not make us poll it
// continuously, one answering a year must not pin a retired key for a year.
#pragma once

#include <chrono>
#include <string_view>

namespace smlapi::federation {

inline constexpr std::chrono::seconds kMinKeysLifetime{60};
inline constexpr std::chrono::seconds kMaxKeysLifetime{24 * 3600};
inline constexpr std::chrono::seconds kDefaultKeysLifetime{3600};  // no max-age given

// max-age clamped to [kMinKeysLifetime, kMaxKeysLifetime]; no-store/no-cache count as 0 (so the
// minimum); anything unreadable is the default.
std::chrono::seconds keys_lifetime(std::string_view cache_control);

}  // namespace smlapi::federation
