#pragma once

#include "ratelimit/decision.h"
#include "ratelimit/policy.h"
#include "ratelimit/time.h"

namespace smlapi::ratelimit {

// Generic Cell Rate Algorithm (virtual scheduling form) as a pure function.
//
// State: one time point per key, the theoretical arrival time (TAT). With
//   T = emission_interval(policy) = ceil(period / limit)   and
//   D = bucket_depth(policy)      = (burst + 1) * T,
// a request at `now` is evaluated against tat = max(stored_tat, now):
//   allowed  iff  now >= tat + T - D      (i.e. tat - now <= burst * T)
//   if allowed, the new TAT is tat + T; if denied, the TAT is unchanged (denied requests cost
//   nothing and cannot extend a lockout).
//
// Guarantee (tested in tests/unit/ratelimit/gcra_property_test.cc): for any arrival sequence,
// any two allowed requests i < j satisfy t_j - t_i >= (j - i - burst) * T. Hence every
// half-open window [s, s + W) contains at most ceil(W / T) + burst allowed requests; for
// W = period that is at most limit + burst, and an idle key allows burst + 1 at once.
// Conversely the limiter is not stricter than stated: a request is only denied when allowing it
// would break that inequality, and a request at now + retry_after is allowed.
//
// A key that has never been seen is represented by any stored_tat <= now
// (e.g. TimePoint::min()). A key whose TAT is <= now is equivalent to an unknown key, so stores
// may forget it then (expiry).
struct GcraResult {
  Decision decision;
  TimePoint tat;  // value to store (equal to the input when denied)
};

GcraResult gcra(TimePoint stored_tat, TimePoint now, const Policy& policy) noexcept;

}  // namespace smlapi::ratelimit
