#include "ratelimit/http_headers.h"

namespace smlapi::ratelimit {
namespace {

// Policy names are validated to [A-Za-z0-9_.-] (see validate()), so they need no escaping
// inside an sf-string.
void append_name(std::string& out, const Policy& policy) {
  out.push_back('"');
  out.append(policy.name);
  out.push_back('"');
}

}  // namespace

std::uint64_t whole_seconds_ceil(Duration duration) noexcept {
  if (duration <= Duration::zero()) return 0;
  constexpr Duration::rep kPerSecond = 1'000'000'000;
  return static_cast<std::uint64_t>((duration.count() + kPerSecond - 1) / kPerSecond);
}

std::string ratelimit_policy_value(const Policy& policy) {
  std::string out;
  out.reserve(policy.name.size() + 32);
  append_name(out, policy);
  out.append(";q=").append(std::to_string(policy.limit));
  out.append(";w=").append(std::to_string(policy.period.count()));
  return out;
}

std::string ratelimit_value(const Policy& policy, const Decision& decision) {
  std::string out;
  out.reserve(policy.name.size() + 32);
  append_name(out, policy);
  out.append(";r=").append(std::to_string(decision.remaining));
  out.append(";t=").append(std::to_string(whole_seconds_ceil(decision.reset_after)));
  return out;
}

std::string retry_after_value(Duration retry_after) {
  return std::to_string(whole_seconds_ceil(retry_after));
}

}  // namespace smlapi::ratelimit
