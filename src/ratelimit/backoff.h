#pragma once

#include <chrono>
#include <cstdint>

#include "ratelimit/time.h"

namespace smlapi::ratelimit {

// Growing lock-out after repeated failures (brute-force defence). After the n-th consecutive
// failure with n >= free_failures, the key is locked for
//   min(base_lockout * 2^(n - free_failures), max_lockout).
// A key with no failure for `forget_after` (and no running lock-out) starts again from zero.
struct BackoffPolicy {
  std::uint32_t free_failures = 5;
  Duration base_lockout = std::chrono::seconds(1);
  Duration max_lockout = std::chrono::minutes(15);
  Duration forget_after = std::chrono::hours(1);
};

// Lock-out length after `failures` consecutive failures (zero below the threshold).
Duration lockout_after(std::uint32_t failures, const BackoffPolicy& policy) noexcept;

}  // namespace smlapi::ratelimit
