#pragma once

#include <cstdint>
#include <string_view>

#include "ratelimit/backoff.h"
#include "ratelimit/decision.h"
#include "ratelimit/policy.h"
#include "ratelimit/time.h"

namespace smlapi::ratelimit {

// State of a failure counter (brute-force defence).
struct Lockout {
  std::uint32_t failures = 0;
  Duration retry_after{};  // > 0 while locked out
  DecisionSource source = DecisionSource::store;

  bool locked() const noexcept { return retry_after > Duration::zero(); }
};

// Shared state behind rate limits and failure counters. Implementations: MemoryStore
// (in-process) and redis::RedisStore (shared by all replicas). Every operation on one key is
// atomic. Keys are chosen by the caller and must be namespaced by it (e.g. "rl:predict:ip:...");
// LoginThrottle uses keys starting with "bf:". A key must be used either for check() or for the
// failure counters, never for both.
//
// `now` is a monotonic time point. Stores with their own authoritative clock (Redis TIME) use
// `now` only for local fallbacks.
class Store {
 public:
  virtual ~Store() = default;

  // Counts one request against `key` under `policy` (GCRA, see gcra.h) and says whether it
  // passes. Denied requests are not counted.
  virtual Decision check(std::string_view key, const Policy& policy, TimePoint now) = 0;

  // Reads a failure counter without changing it.
  virtual Lockout lockout(std::string_view key, TimePoint now) = 0;

  // Adds one failure and starts the resulting lock-out, if any.
  virtual Lockout record_failure(std::string_view key, const BackoffPolicy& policy,
                                 TimePoint now) = 0;

  // Forgets a failure counter (after a successful login).
  virtual void clear_failures(std::string_view key) = 0;

  // For readiness: false while the store cannot answer by itself.
  virtual bool healthy() = 0;
};

}  // namespace smlapi::ratelimit
