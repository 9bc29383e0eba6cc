#include "ratelimit/backoff.h"

#include <algorithm>

namespace smlapi::ratelimit {

Duration lockout_after(std::uint32_t failures, const BackoffPolicy& policy) noexcept {
  if (failures < policy.free_failures || failures == 0) return Duration::zero();
  // 2^40 * base already exceeds any sensible cap; stop doubling there to avoid overflow.
  const std::uint32_t doublings = std::min<std::uint32_t>(failures - policy.free_failures, 40);
  Duration lock = policy.base_lockout;
  for (std::uint32_t i = 0; i < doublings && lock < policy.max_lockout; ++i) lock *= 2;
  return std::min(lock, policy.max_lockout);
}

}  // namespace smlapi::ratelimit
