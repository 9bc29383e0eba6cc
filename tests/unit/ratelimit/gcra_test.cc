#include "ratelimit/gcra.h"

#include <gtest/gtest.h>

#include "result_matchers.h"

namespace smlapi::ratelimit {
namespace {

using ::smlapi::result_testing::FailsWith;

using namespace std::chrono_literals;

const TimePoint kStart{std::chrono::hours(1000)};

Policy policy(std::uint32_t limit, std::chrono::seconds period, std::uint32_t burst) {
  return Policy{"default", limit, period, burst};
}

TEST(Gcra, IdleKeyAllowsBurstPlusOneThenDenies) {
  const Policy p = policy(60, 60s, 4);
  TimePoint tat = TimePoint::min();
  for (std::uint32_t i = 0; i < 5; ++i) {
    const GcraResult r = gcra(tat, kStart, p);
    ASSERT_TRUE(r.decision.allowed) << i;
    EXPECT_EQ(r.decision.remaining, 4 - i);
    tat = r.tat;
  }
  const GcraResult denied = gcra(tat, kStart, p);
  EXPECT_FALSE(denied.decision.allowed);
  EXPECT_EQ(denied.decision.remaining, 0u);
  EXPECT_EQ(denied.decision.retry_after, 1s);
  EXPECT_EQ(denied.decision.reset_after, 5s);
  EXPECT_EQ(denied.tat, tat) << "a denied request must not be counted";
}

TEST(Gcra, AllowedExactlyAtRetryAfterNotBefore) {
  const Policy p = policy(10, 60s, 0);
  const GcraResult first = gcra(TimePoint::min(), kStart, p);
  ASSERT_TRUE(first.decision.allowed);
  EXPECT_EQ(first.decision.reset_after, 6s);
  const GcraResult early = gcra(first.tat, kStart + 6s - 1ns, p);
  ASSERT_FALSE(early.decision.allowed);
  EXPECT_EQ(early.decision.retry_after, 1ns);
  EXPECT_TRUE(gcra(first.tat, kStart + 6s, p).decision.allowed);
}

TEST(Gcra, SteadyStreamAtTheRateIsNeverDenied) {
  const Policy p = policy(30, 60s, 0);
  TimePoint tat = TimePoint::min();
  for (int i = 0; i < 1000; ++i) {
    const GcraResult r = gcra(tat, kStart + i * 2s, p);
    ASSERT_TRUE(r.decision.allowed) << i;
    tat = r.tat;
  }
}

TEST(Gcra, EmissionIntervalRoundsUpSoTheLimitIsNeverExceeded) {
  const Policy p = policy(7, 60s, 0);
  EXPECT_EQ(emission_interval(p), Duration{8'571'428'572});
  EXPECT_GE(emission_interval(p) * 7, std::chrono::duration_cast<Duration>(p.period));
}

TEST(Gcra, ResetAfterCountsDownToFullQuota) {
  const Policy p = policy(60, 60s, 9);
  TimePoint tat = TimePoint::min();
  for (int i = 0; i < 3; ++i) tat = gcra(tat, kStart, p).tat;
  const GcraResult r = gcra(tat, kStart + 500ms, p);
  ASSERT_TRUE(r.decision.allowed);
  EXPECT_EQ(r.decision.reset_after, 3500ms);
  EXPECT_EQ(r.decision.remaining, 6u);
}

TEST(Policy, ValidationRejectsBadPolicies) {
  EXPECT_TRUE(validate(policy(60, 60s, 0)).has_value());
  EXPECT_THAT(validate(Policy{"", 1, 1s, 0}), FailsWith(PolicyError::bad_name));
  EXPECT_THAT(validate(Policy{"a\"b", 1, 1s, 0}), FailsWith(PolicyError::bad_name));
  EXPECT_THAT(validate(Policy{std::string(65, 'a'), 1, 1s, 0}), FailsWith(PolicyError::bad_name));
  EXPECT_THAT(validate(policy(0, 60s, 0)), FailsWith(PolicyError::zero_limit));
  EXPECT_THAT(validate(policy(1, 0s, 0)), FailsWith(PolicyError::bad_period));
  EXPECT_THAT(validate(policy(1, 86401s, 0)), FailsWith(PolicyError::bad_period));
  EXPECT_THAT(validate(policy(1, 86400s, 400)), FailsWith(PolicyError::burst_too_large));
  EXPECT_TRUE(validate(policy(UINT32_MAX, 1s, UINT32_MAX)).has_value());
}

}  // namespace
}  // namespace smlapi::ratelimit
