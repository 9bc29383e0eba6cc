// The exact-limit property of GCRA, checked over many random arrival sequences with a fake
// clock: in every half-open window [s, s + W) at most ceil(W / T) + burst requests pass
// (for W = period: at most limit + burst), and the limiter is never stricter than that.
#include <algorithm>
#include <random>
#include <vector>

#include <gtest/gtest.h>

#include "ratelimit/gcra.h"

namespace smlapi::ratelimit {
namespace {

using namespace std::chrono_literals;

struct Run {
  std::vector<TimePoint> allowed;
};

// Largest number of allowed requests in any half-open window of length `window`. The maximum
// is attained by a window that starts at an allowed request.
std::size_t max_in_window(const std::vector<TimePoint>& allowed, Duration window) {
  std::size_t best = 0;
  std::size_t end = 0;
  for (std::size_t begin = 0; begin < allowed.size(); ++begin) {
    end = std::max(end, begin);
    while (end < allowed.size() && allowed[end] - allowed[begin] < window) ++end;
    best = std::max(best, end - begin);
  }
  return best;
}

std::size_t bound_for(Duration window, const Policy& p) {
  const Duration interval = emission_interval(p);
  return static_cast<std::size_t>((window.count() + interval.count() - 1) / interval.count()) +
         p.burst;
}

// True if admitting a request at `t` after `allowed` would break
// t_j - t_i >= (j - i - burst) * T for some earlier allowed request i.
bool admitting_breaks_invariant(const std::vector<TimePoint>& allowed, TimePoint t,
                                const Policy& p) {
  const Duration interval = emission_interval(p);
  const auto j = static_cast<std::int64_t>(allowed.size());
  for (std::int64_t i = 0; i < j; ++i) {
    const std::int64_t gap = j - i - static_cast<std::int64_t>(p.burst);
    if (gap > 0 && t - allowed[static_cast<std::size_t>(i)] < gap * interval) return true;
  }
  return false;
}

class GcraProperty : public ::testing::TestWithParam<Policy> {};

TEST_P(GcraProperty, NoWindowExceedsLimitPlusBurstAndNoDenialIsUnjustified) {
  const Policy p = GetParam();
  std::mt19937_64 rng(0x5eed ^ p.limit ^ (static_cast<std::uint64_t>(p.burst) << 20));
  const auto period = std::chrono::duration_cast<Duration>(p.period);
  for (int sequence = 0; sequence < 150; ++sequence) {
    // Mix of bursts (zero gaps), gaps near the emission interval and long idle gaps.
    const Duration interval = emission_interval(p);
    std::uniform_int_distribution<int> kind(0, 9);
    std::uniform_int_distribution<Duration::rep> near(0, 2 * interval.count());
    std::uniform_int_distribution<Duration::rep> idle(0, 2 * period.count());
    TimePoint now{std::chrono::hours(1000)};
    TimePoint tat = TimePoint::min();
    std::vector<TimePoint> allowed;
    for (int i = 0; i < 400; ++i) {
      const int k = kind(rng);
      if (k >= 3 && k <= 8) now += Duration{near(rng)};
      if (k == 9) now += Duration{idle(rng)};
      const GcraResult r = gcra(tat, now, p);
      if (r.decision.allowed) {
        ASSERT_EQ(r.decision.retry_after, Duration::zero());
        allowed.push_back(now);
        tat = r.tat;
      } else {
        ASSERT_TRUE(admitting_breaks_invariant(allowed, now, p)) << "denied without reason";
        ASSERT_GT(r.decision.retry_after, Duration::zero());
        ASSERT_TRUE(gcra(tat, now + r.decision.retry_after, p).decision.allowed)
            << "retry_after must be enough";
        ASSERT_EQ(r.tat, tat);
      }
    }
    ASSERT_LE(max_in_window(allowed, period), p.limit + p.burst);
    for (const Duration window : {period / 2, period / 7 + 3ns, 3 * period, interval}) {
      if (window <= Duration::zero()) continue;
      ASSERT_LE(max_in_window(allowed, window), bound_for(window, p)) << window.count();
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Policies, GcraProperty,
                         ::testing::Values(Policy{"a", 60, 60s, 0}, Policy{"b", 10, 60s, 5},
                                           Policy{"c", 7, 60s, 2}, Policy{"d", 30, 60s, 29},
                                           Policy{"e", 1, 1s, 0}, Policy{"f", 1000, 1s, 50}));

}  // namespace
}  // namespace smlapi::ratelimit
