#include "ratelimit/login_throttle.h"

#include <gtest/gtest.h>

#include "fake_clock.h"
#include "ratelimit/memory_store.h"

namespace smlapi::ratelimit {
namespace {

using namespace std::chrono_literals;
using testing::FakeClock;

TEST(Backoff, DoublesFromTheThresholdAndIsCapped) {
  const BackoffPolicy policy{};  // 5 free, 1 s base, 15 min cap
  EXPECT_EQ(lockout_after(0, policy), 0s);
  EXPECT_EQ(lockout_after(4, policy), 0s);
  EXPECT_EQ(lockout_after(5, policy), 1s);
  EXPECT_EQ(lockout_after(6, policy), 2s);
  EXPECT_EQ(lockout_after(14, policy), 512s);
  EXPECT_EQ(lockout_after(15, policy), 900s);
  EXPECT_EQ(lockout_after(UINT32_MAX, policy), 900s);
}

TEST(LoginThrottle, LocksTheAccountAfterRepeatedFailures) {
  MemoryStore store;
  LoginThrottle throttle(store, LoginThrottleConfig{});
  FakeClock clock;
  for (int i = 0; i < 5; ++i) {
    ASSERT_TRUE(throttle.check("alice", "192.0.2.1", clock.now()).allowed) << i;
    throttle.record_failure("alice", "192.0.2.1", clock.now());
  }
  const LoginVerdict locked = throttle.check("alice", "198.51.100.7", clock.now());
  EXPECT_FALSE(locked.allowed) << "the account lock holds from any address";
  EXPECT_EQ(locked.retry_after, 1s);
  EXPECT_TRUE(throttle.check("bob", "192.0.2.1", clock.now()).allowed);
  clock.advance(1s);
  EXPECT_TRUE(throttle.check("alice", "192.0.2.1", clock.now()).allowed);
  throttle.record_failure("alice", "192.0.2.1", clock.now());
  EXPECT_EQ(throttle.check("alice", "192.0.2.1", clock.now()).retry_after, 2s);
}

TEST(LoginThrottle, SuccessResetsTheAccountButNotTheAddress) {
  MemoryStore store;
  LoginThrottleConfig config;
  config.address.free_failures = 6;
  LoginThrottle throttle(store, config);
  FakeClock clock;
  for (int i = 0; i < 4; ++i) throttle.record_failure("alice", "192.0.2.1", clock.now());
  throttle.record_success("alice");
  throttle.record_failure("alice", "192.0.2.1", clock.now());
  EXPECT_TRUE(throttle.check("alice", "192.0.2.9", clock.now()).allowed)
      << "account counter restarted at zero";
  throttle.record_failure("mallory", "192.0.2.1", clock.now());
  const LoginVerdict by_address = throttle.check("carol", "192.0.2.1", clock.now());
  EXPECT_FALSE(by_address.allowed) << "six failures from one address lock the address";
  EXPECT_EQ(by_address.retry_after, 1s);
}

TEST(LoginThrottle, SprayingManyAccountsFromOneAddressIsStopped) {
  MemoryStore store;
  LoginThrottle throttle(store, LoginThrottleConfig{});
  FakeClock clock;
  int attempts = 0;
  for (int i = 0; i < 100; ++i) {
    const std::string account = "user" + std::to_string(i);
    if (!throttle.check(account, "203.0.113.5", clock.now()).allowed) break;
    throttle.record_failure(account, "203.0.113.5", clock.now());
    ++attempts;
  }
  EXPECT_EQ(attempts, 20);
}

// A shared store that cannot be read (Redis down, fail-closed): every lockout answers
// store_unavailable with no lock of its own.
class UnreadableStore final : public Store {
 public:
  Decision check(std::string_view, const Policy&, TimePoint) override { return {}; }
  Lockout lockout(std::string_view, TimePoint) override {
    return Lockout{0, Duration::zero(), DecisionSource::store_unavailable};
  }
  Lockout record_failure(std::string_view, const BackoffPolicy&, TimePoint) override {
    return Lockout{0, Duration::zero(), DecisionSource::store_unavailable};
  }
  void clear_failures(std::string_view) override {}
  bool healthy() override { return false; }
};

TEST(LoginThrottle, AnUnreadableStoreRefusesTheAttempt) {
  UnreadableStore store;
  LoginThrottle throttle(store, LoginThrottleConfig{});
  FakeClock clock;
  const LoginVerdict verdict = throttle.check("alice", "192.0.2.1", clock.now());
  EXPECT_FALSE(verdict.allowed) << "fail closed: without the counters a guess is not let through";
  EXPECT_EQ(verdict.source, DecisionSource::store_unavailable);
}

}  // namespace
}  // namespace smlapi::ratelimit
