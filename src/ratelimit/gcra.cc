#include "ratelimit/gcra.h"

#include <algorithm>

namespace smlapi::ratelimit {

GcraResult gcra(TimePoint stored_tat, TimePoint now, const Policy& policy) noexcept {
  const Duration interval = emission_interval(policy);
  const Duration depth = bucket_depth(policy);
  const TimePoint tat = std::max(stored_tat, now);
  const TimePoint new_tat = tat + interval;
  const TimePoint allow_at = new_tat - depth;

  GcraResult result{};
  if (now < allow_at) {
    result.decision.allowed = false;
    result.decision.remaining = 0;
    result.decision.reset_after = tat - now;
    result.decision.retry_after = allow_at - now;
    result.tat = stored_tat;
    return result;
  }
  result.decision.allowed = true;
  result.decision.remaining = static_cast<std::uint32_t>((now - allow_at) / interval);
  result.decision.reset_after = new_tat - now;
  result.decision.retry_after = Duration::zero();
  result.tat = new_tat;
  return result;
}

}  // namespace smlapi::ratelimit
