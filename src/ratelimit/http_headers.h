#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "ratelimit/decision.h"
#include "ratelimit/policy.h"

namespace smlapi::ratelimit {

// Header fields of draft-ietf-httpapi-ratelimit-headers (RateLimit-Policy / RateLimit, as
// Structured Field lists) and RFC 9110 Retry-After.
inline constexpr std::string_view kRateLimitPolicyHeader = "RateLimit-Policy";
inline constexpr std::string_view kRateLimitHeader = "RateLimit";
inline constexpr std::string_view kRetryAfterHeader = "Retry-After";

// `"default";q=60;w=60`: quota `limit` per window `period` seconds. (Up to `burst` more may pass
// in one window; the draft has no parameter for that, see docs/rate-limiting.md.)
std::string ratelimit_policy_value(const Policy& policy);

// `"default";r=12;t=30`: r = requests still allowed now, t = seconds until the full quota is back.
std::string ratelimit_value(const Policy& policy, const Decision& decision);

// The same value appended to `out`: on the request path `out` is a reused header slot, so
// formatting it costs no allocation (ratelimit_value() builds a new string every time).
void append_ratelimit_value(std::string& out, const Policy& policy, const Decision& decision);

// Whole seconds to wait, rounded up so a client that waits exactly this long is allowed; at
// least 1 for any positive duration, 0 for zero.
std::uint64_t whole_seconds_ceil(Duration duration) noexcept;

// Retry-After value (delay-seconds).
std::string retry_after_value(Duration retry_after);

}  // namespace smlapi::ratelimit
