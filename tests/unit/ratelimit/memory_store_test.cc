#include "ratelimit/memory_store.h"

#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "fake_clock.h"
#include "ratelimit/gcra.h"

namespace smlapi::ratelimit {
namespace {

using namespace std::chrono_literals;
using testing::FakeClock;

const Policy kTenPerMinute{"default", 10, 60s, 2};

TEST(MemoryStore, AgreesWithThePureAlgorithm) {
  MemoryStore store;
  FakeClock clock;
  TimePoint tat = TimePoint::min();
  for (int i = 0; i < 200; ++i) {
    clock.advance(i % 7 == 0 ? 5s : 300ms);
    const Decision got = store.check("rl:k", kTenPerMinute, clock.now());
    const GcraResult want = gcra(tat, clock.now(), kTenPerMinute);
    tat = want.tat;
    ASSERT_EQ(got.allowed, want.decision.allowed) << i;
    ASSERT_EQ(got.remaining, want.decision.remaining) << i;
    ASSERT_EQ(got.retry_after, want.decision.retry_after) << i;
    ASSERT_EQ(got.reset_after, want.decision.reset_after) << i;
    ASSERT_EQ(got.source, DecisionSource::store);
  }
}

TEST(MemoryStore, KeysAreIndependent) {
  MemoryStore store;
  FakeClock clock;
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(store.check("rl:a", kTenPerMinute, clock.now()).allowed);
  EXPECT_FALSE(store.check("rl:a", kTenPerMinute, clock.now()).allowed);
  EXPECT_TRUE(store.check("rl:b", kTenPerMinute, clock.now()).allowed);
}

TEST(MemoryStore, StaysBoundedUnderAFloodOfDistinctKeysAndCountsEvictions) {
  std::uint64_t callbacks = 0;
  MemoryStore store(MemoryStoreConfig{.max_keys = 1000, .shards = 16}, [&] { ++callbacks; });
  FakeClock clock;
  for (int i = 0; i < 20000; ++i) {
    (void)store.check("rl:flood:" + std::to_string(i), kTenPerMinute, clock.now());
  }
  EXPECT_LE(store.size(), 1000u);
  EXPECT_GE(store.size(), 990u);
  EXPECT_EQ(store.evictions(), 20000u - store.size());
  EXPECT_EQ(callbacks, store.evictions());
}

TEST(MemoryStore, ExpiredKeysAreReplacedWithoutCountingAnEviction) {
  // A sample as large as the shard makes the choice exact (normally it is approximate).
  MemoryStore store(MemoryStoreConfig{.max_keys = 100, .shards = 1, .eviction_samples = 128});
  FakeClock clock;
  for (int i = 0; i < 100; ++i)
    (void)store.check("rl:" + std::to_string(i), kTenPerMinute, clock.now());
  clock.advance(1h);  // every TAT is in the past: all entries equal absent keys
  for (int i = 100; i < 200; ++i)
    (void)store.check("rl:" + std::to_string(i), kTenPerMinute, clock.now());
  EXPECT_EQ(store.size(), 100u);
  EXPECT_EQ(store.evictions(), 0u);
}

TEST(MemoryStore, EvictsTheLeastRecentlyUsedWhenTheSampleCoversTheShard) {
  MemoryStore store(MemoryStoreConfig{.max_keys = 4, .shards = 1, .eviction_samples = 64});
  FakeClock clock;
  const Policy one{"one", 1, 3600s, 0};  // every key is exhausted after one request
  for (const char* key : {"rl:a", "rl:b", "rl:c", "rl:d"}) {
    ASSERT_TRUE(store.check(key, one, clock.now()).allowed);
    clock.advance(1s);
  }
  EXPECT_FALSE(store.check("rl:a", one, clock.now()).allowed);  // touches a: b is now oldest
  clock.advance(1s);
  ASSERT_TRUE(store.check("rl:e", one, clock.now()).allowed);  // evicts b
  EXPECT_EQ(store.evictions(), 1u);
  EXPECT_FALSE(store.check("rl:a", one, clock.now()).allowed) << "a was kept";
  EXPECT_TRUE(store.check("rl:b", one, clock.now()).allowed) << "b was forgotten";
}

TEST(MemoryStore, LongKeysAreCompactedButStayDistinct) {
  MemoryStore store(MemoryStoreConfig{.max_key_bytes = 40});
  FakeClock clock;
  const Policy one{"one", 1, 3600s, 0};
  const std::string prefix(100, 'x');
  ASSERT_TRUE(store.check(prefix + "1", one, clock.now()).allowed);
  EXPECT_TRUE(store.check(prefix + "2", one, clock.now()).allowed);
  EXPECT_FALSE(store.check(prefix + "1", one, clock.now()).allowed);
}

TEST(MemoryStore, ConcurrentChecksOnOneKeyLoseNoUpdate) {
  MemoryStore store;
  const Policy p{"p", 100, 3600s, 999};  // 1000 requests pass at one instant
  const TimePoint now{std::chrono::hours(1000)};
  std::atomic<int> allowed{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 600; ++i) allowed += store.check("rl:shared", p, now).allowed ? 1 : 0;
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(allowed.load(), 1000);
}

TEST(MemoryStore, FailureCountersGrowTheLockout) {
  MemoryStore store;
  FakeClock clock;
  const BackoffPolicy backoff{3, 1s, 10s, 1h};
  EXPECT_FALSE(store.lockout("bf:x", clock.now()).locked());
  EXPECT_FALSE(store.record_failure("bf:x", backoff, clock.now()).locked());
  EXPECT_FALSE(store.record_failure("bf:x", backoff, clock.now()).locked());
  Lockout third = store.record_failure("bf:x", backoff, clock.now());
  EXPECT_EQ(third.failures, 3u);
  EXPECT_EQ(third.retry_after, 1s);
  clock.advance(400ms);
  EXPECT_EQ(store.lockout("bf:x", clock.now()).retry_after, 600ms);
  EXPECT_EQ(store.record_failure("bf:x", backoff, clock.now()).retry_after, 2s);
  EXPECT_EQ(store.record_failure("bf:x", backoff, clock.now()).retry_after, 4s);
  EXPECT_EQ(store.record_failure("bf:x", backoff, clock.now()).retry_after, 8s);
  EXPECT_EQ(store.record_failure("bf:x", backoff, clock.now()).retry_after, 10s);
  store.clear_failures("bf:x");
  EXPECT_EQ(store.lockout("bf:x", clock.now()).failures, 0u);
}

TEST(MemoryStore, FailureCountersAreForgottenAfterQuietTime) {
  MemoryStore store;
  FakeClock clock;
  const BackoffPolicy backoff{3, 1s, 10s, 1h};
  for (int i = 0; i < 2; ++i) (void)store.record_failure("bf:y", backoff, clock.now());
  clock.advance(1h);
  EXPECT_EQ(store.lockout("bf:y", clock.now()).failures, 0u);
  EXPECT_EQ(store.record_failure("bf:y", backoff, clock.now()).failures, 1u);
}

TEST(MemoryStore, FailureCountersSurviveAFloodOfRateLimitKeys) {
  MemoryStore store(MemoryStoreConfig{.max_keys = 1000, .shards = 16});
  FakeClock clock;
  const BackoffPolicy backoff{};
  for (int i = 0; i < 3; ++i) (void)store.record_failure("bf:pair:x", backoff, clock.now());
  for (int i = 0; i < 20000; ++i) {
    (void)store.check("rl:flood:" + std::to_string(i), kTenPerMinute, clock.now());
  }
  EXPECT_GT(store.evictions(), 0u);
  EXPECT_EQ(store.lockout("bf:pair:x", clock.now()).failures, 3u)
      << "rate-limit keys live in another table";
}

TEST(MemoryStore, AFullFailureTableGivesUpTheLeastValuableCounter) {
  MemoryStore store(MemoryStoreConfig{
      .max_keys = 100, .shards = 1, .eviction_samples = 128, .max_failure_keys = 4});
  FakeClock clock;
  const BackoffPolicy backoff{};  // locked from the 5th failure
  for (int i = 0; i < 6; ++i) (void)store.record_failure("bf:locked", backoff, clock.now());
  for (int i = 0; i < 3; ++i) (void)store.record_failure("bf:three", backoff, clock.now());
  (void)store.record_failure("bf:one-old", backoff, clock.now());
  clock.advance(1ms);
  (void)store.record_failure("bf:one-new", backoff, clock.now());
  (void)store.record_failure("bf:incoming", backoff, clock.now());
  EXPECT_EQ(store.failure_evictions(), 1u);
  EXPECT_EQ(store.lockout("bf:one-old", clock.now()).failures, 0u) << "fewest failures, oldest";
  EXPECT_TRUE(store.lockout("bf:locked", clock.now()).locked());
  EXPECT_EQ(store.lockout("bf:three", clock.now()).failures, 3u);
  EXPECT_EQ(store.lockout("bf:one-new", clock.now()).failures, 1u);
  EXPECT_EQ(store.lockout("bf:incoming", clock.now()).failures, 1u);
}

TEST(MemoryStore, MemoryCeilingScalesWithMaxKeys) {
  const std::size_t small = memory_ceiling_bytes(MemoryStoreConfig{.max_keys = 1000});
  const std::size_t large = memory_ceiling_bytes(MemoryStoreConfig{.max_keys = 100000});
  const std::size_t per_key = (large - small) / 99000;
  EXPECT_GE(per_key, 128 + 100u) << "node, bucket and a key of up to max_key_bytes";
  EXPECT_LE(per_key, 1024u);
}

}  // namespace
}  // namespace smlapi::ratelimit
