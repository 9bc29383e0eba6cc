#include "ratelimit/policy.h"

#include <algorithm>

namespace smlapi::ratelimit {
namespace {

bool is_name_char(char c) noexcept {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
         c == '.' || c == '-';
}

}  // namespace

Duration emission_interval(const Policy& policy) noexcept {
  const auto period = std::chrono::duration_cast<Duration>(policy.period).count();
  const auto limit = static_cast<Duration::rep>(std::max<std::uint32_t>(policy.limit, 1));
  return Duration{(period + limit - 1) / limit};
}

Duration bucket_depth(const Policy& policy) noexcept {
  return emission_interval(policy) * (static_cast<Duration::rep>(policy.burst) + 1);
}

boost::system::result<void, PolicyError> validate(const Policy& policy) {
  if (policy.name.empty() || policy.name.size() > kMaxPolicyNameLength ||
      !std::all_of(policy.name.begin(), policy.name.end(), is_name_char)) {
    return PolicyError::bad_name;
  }
  if (policy.limit == 0) return PolicyError::zero_limit;
  if (policy.period < kMinPeriod || policy.period > kMaxPeriod) return PolicyError::bad_period;
  const auto interval = emission_interval(policy).count();
  if (static_cast<Duration::rep>(policy.burst) + 1 > kMaxBucketDepth.count() / interval) {
    return PolicyError::burst_too_large;
  }
  return {};
}

const char* to_string(PolicyError error) noexcept {
  switch (error) {
    case PolicyError::bad_name:
      return "policy name must be 1..64 characters of [A-Za-z0-9_.-]";
    case PolicyError::zero_limit:
      return "policy limit must be at least 1";
    case PolicyError::bad_period:
      return "policy period must be between 1 s and 24 h";
    case PolicyError::burst_too_large:
      return "policy burst is too large: (burst + 1) * period / limit must stay below 366 days";
  }
  return "unknown policy error";
}

}  // namespace smlapi::ratelimit
