#include "ratelimit/login_throttle.h"

#include <gtest/gtest.h>

#include "fake_clock.h"
#include "ratelimit/memory_store.h"
#include "ratelimit/recent_logins.h"

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

TEST(LoginThrottle, LocksThePairNotTheAccount) {
  MemoryStore store;
  LoginThrottle throttle(store, LoginThrottleConfig{});
  FakeClock clock;
  for (int i = 0; i < 5; ++i) {
    ASSERT_TRUE(throttle.check("alice", "192.0.2.1", false, clock.now()).allowed) << i;
    throttle.record_failure("alice", "192.0.2.1", clock.now());
  }
  const LoginVerdict locked = throttle.check("alice", "192.0.2.1", false, clock.now());
  EXPECT_FALSE(locked.allowed) << "the guessing source is locked for this account";
  EXPECT_EQ(locked.retry_after, 1s);
  EXPECT_TRUE(throttle.check("alice", "198.51.100.7", false, clock.now()).allowed)
      << "the owner elsewhere is not";
  EXPECT_TRUE(throttle.check("bob", "192.0.2.1", false, clock.now()).allowed);
  clock.advance(1s);
  EXPECT_TRUE(throttle.check("alice", "192.0.2.1", false, clock.now()).allowed);
  throttle.record_failure("alice", "192.0.2.1", clock.now());
  EXPECT_EQ(throttle.check("alice", "192.0.2.1", false, clock.now()).retry_after, 2s);
}

TEST(LoginThrottle, SuccessResetsThePairButNotTheSource) {
  MemoryStore store;
  LoginThrottleConfig config;
  config.source.free_failures = 6;
  LoginThrottle throttle(store, config);
  FakeClock clock;
  for (int i = 0; i < 4; ++i) throttle.record_failure("alice", "192.0.2.1", clock.now());
  throttle.record_success("alice", "192.0.2.1");
  throttle.record_failure("alice", "192.0.2.1", clock.now());
  EXPECT_TRUE(throttle.check("alice", "192.0.2.9", false, clock.now()).allowed)
      << "pair counter restarted at zero";
  throttle.record_failure("mallory", "192.0.2.1", clock.now());
  const LoginVerdict by_source = throttle.check("carol", "192.0.2.1", false, clock.now());
  EXPECT_FALSE(by_source.allowed) << "six failures from one source lock the source";
  EXPECT_EQ(by_source.retry_after, 1s);
}

TEST(LoginThrottle, SprayingManyAccountsFromOneSourceIsStopped) {
  MemoryStore store;
  LoginThrottle throttle(store, LoginThrottleConfig{});
  FakeClock clock;
  int attempts = 0;
  for (int i = 0; i < 100; ++i) {
    const std::string account = "user" + std::to_string(i);
    if (!throttle.check(account, "203.0.113.5", false, clock.now()).allowed) break;
    throttle.record_failure(account, "203.0.113.5", clock.now());
    ++attempts;
  }
  EXPECT_EQ(attempts, 20);
}

TEST(LoginThrottle, ABotnetSlowsNewSourcesButNeverTheOwnersUsualOne) {
  MemoryStore store;
  LoginThrottle throttle(store, LoginThrottleConfig{});
  FakeClock clock;
  for (int i = 0; i < 50; ++i) {  // one guess from each of 50 sources
    const std::string source = "10.0." + std::to_string(i) + ".1";
    ASSERT_TRUE(throttle.check("alice", source, false, clock.now()).allowed) << i;
    throttle.record_failure("alice", source, clock.now());
  }
  const LoginVerdict newcomer = throttle.check("alice", "10.1.0.1", false, clock.now());
  EXPECT_FALSE(newcomer.allowed) << "50 failures across sources slow new sources";
  EXPECT_LE(newcomer.retry_after, 5min) << "at most the account-wide cap";
  EXPECT_TRUE(throttle.check("alice", "192.0.2.44", true, clock.now()).allowed)
      << "the owner's known source is exempt";
}

TEST(RecentLogins, KnowsPairsThatLoggedInRecently) {
  RecentLogins recent(2, 24h);
  FakeClock clock;
  recent.remember("alice", "192.0.2.1", clock.now());
  EXPECT_TRUE(recent.known("alice", "192.0.2.1", clock.now()));
  EXPECT_FALSE(recent.known("alice", "192.0.2.2", clock.now())) << "per source";
  EXPECT_FALSE(recent.known("bob", "192.0.2.1", clock.now())) << "per account";
  EXPECT_FALSE(recent.known("1|alice", "192.0.2.", clock.now())) << "no key confusion";
  clock.advance(24h);
  EXPECT_FALSE(recent.known("alice", "192.0.2.1", clock.now())) << "forgotten after a while";
  recent.remember("bob", "192.0.2.1", clock.now());
  recent.remember("carol", "192.0.2.1", clock.now());
  EXPECT_EQ(recent.size(), 2u) << "bounded: the least recently seen pair goes";
  EXPECT_TRUE(recent.known("carol", "192.0.2.1", clock.now()));
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
  const LoginVerdict verdict = throttle.check("alice", "192.0.2.1", false, clock.now());
  EXPECT_FALSE(verdict.allowed) << "fail closed: without the counters a guess is not let through";
  EXPECT_EQ(verdict.source, DecisionSource::store_unavailable);
}

}  // namespace
}  // namespace smlapi::ratelimit
