#pragma once

#include <cstdint>

#include "ratelimit/time.h"

namespace smlapi::ratelimit {

// Where a decision came from, so callers can tell a shared-store verdict from a degraded one.
enum class DecisionSource : std::uint8_t {
  store,              // the configured store answered
  fallback,           // the shared store failed; a local fallback limiter answered (fail-open)
  store_unavailable,  // the shared store failed and the policy is fail-closed: denied (503)
};

// Stable lower-case names, usable as metric label values.
constexpr const char* to_string(DecisionSource source) noexcept {
  switch (source) {
    case DecisionSource::store:
      return "store";
    case DecisionSource::fallback:
      return "fallback";
    case DecisionSource::store_unavailable:
      return "store_unavailable";
  }
  return "unknown";
}

struct Decision {
  bool allowed = false;
  // Requests that would still be allowed right now, after this one (RateLimit r=).
  std::uint32_t remaining = 0;
  // Time until the key is back to a full quota (RateLimit t=).
  Duration reset_after{};
  // Time until a request would be allowed; zero when allowed (Retry-After).
  Duration retry_after{};
  DecisionSource source = DecisionSource::store;
};

}  // namespace smlapi::ratelimit
