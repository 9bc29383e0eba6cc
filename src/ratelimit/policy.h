#pragma once

#include <chrono>
#include <cstdint>
#include <string>

#include <boost/system/result.hpp>

#include "ratelimit/time.h"

namespace smlapi::ratelimit {

// `limit` requests per `period`, plus `burst` extra requests that may be spent at once.
// Exact guarantee (see gcra.h): in every half-open window of length W at most
// ceil(W / emission_interval) + burst requests are allowed; for W == period that is at most
// limit + burst.
struct Policy {
  std::string name;  // shown in RateLimit headers; [A-Za-z0-9_.-], 1..64 chars
  std::uint32_t limit = 60;
  std::chrono::seconds period{60};
  std::uint32_t burst = 0;
};

enum class PolicyError {
  bad_name,         // empty, too long, or a character outside [A-Za-z0-9_.-]
  zero_limit,       // limit must be >= 1
  bad_period,       // period must be within [1 s, 24 h]
  burst_too_large,  // (burst + 1) * emission_interval must stay below kMaxBucketDepth
};

inline constexpr std::size_t kMaxPolicyNameLength = 64;
inline constexpr std::chrono::seconds kMinPeriod{1};
inline constexpr std::chrono::seconds kMaxPeriod{24 * 3600};
// How far ahead of "now" a key's theoretical arrival time may run; bounds key lifetime.
inline constexpr Duration kMaxBucketDepth = std::chrono::hours(24 * 366);

boost::system::result<void, PolicyError> validate(const Policy& policy);
const char* to_string(PolicyError error) noexcept;

// Time between two requests at the sustained rate: ceil(period / limit). Rounding up (by less
// than 1 ns) means the limiter can only be stricter than limit/period, never looser.
Duration emission_interval(const Policy& policy) noexcept;

// Time a full bucket represents: (burst + 1) * emission_interval.
Duration bucket_depth(const Policy& policy) noexcept;

}  // namespace smlapi::ratelimit
