// The in-memory deny-list, with time passed in explicitly.
#include <gtest/gtest.h>

#include <thread>
#include <vector>

#include "auth/memory_revocation_store.h"
#include "result_matchers.h"

namespace smlapi::auth {
namespace {

using ::smlapi::result_testing::FailsWith;

constexpr std::int64_t kNow = 1'800'000'000;

TEST(MemoryRevocationStore, RevokedUntilDenyUntil) {
  MemoryRevocationStore store;
  EXPECT_FALSE(*store.is_revoked("a", kNow));
  ASSERT_TRUE(store.revoke("a", kNow + 60, kNow));
  EXPECT_TRUE(*store.is_revoked("a", kNow));
  EXPECT_TRUE(*store.is_revoked("a", kNow + 59));
  EXPECT_FALSE(*store.is_revoked("b", kNow));
  EXPECT_FALSE(*store.is_revoked("a", kNow + 60));
  EXPECT_EQ(store.size(), 0u) << "forgotten once expired";
}

TEST(MemoryRevocationStore, AlreadyExpiredIsNotStored) {
  MemoryRevocationStore store;
  EXPECT_TRUE(store.revoke("a", kNow, kNow));
  EXPECT_TRUE(store.revoke("b", kNow - 10, kNow));
  EXPECT_EQ(store.size(), 0u);
}

TEST(MemoryRevocationStore, LaterDeadlineWins) {
  MemoryRevocationStore store;
  ASSERT_TRUE(store.revoke("a", kNow + 100, kNow));
  ASSERT_TRUE(store.revoke("a", kNow + 10, kNow));
  EXPECT_TRUE(*store.is_revoked("a", kNow + 50));
  ASSERT_TRUE(store.revoke("a", kNow + 200, kNow));
  EXPECT_TRUE(*store.is_revoked("a", kNow + 150));
  EXPECT_FALSE(*store.is_revoked("a", kNow + 200));
  EXPECT_EQ(store.size(), 0u);
}

TEST(MemoryRevocationStore, FullStoreRefusesInsteadOfForgetting) {
  MemoryRevocationStore store(2);
  ASSERT_TRUE(store.revoke("a", kNow + 10, kNow));
  ASSERT_TRUE(store.revoke("b", kNow + 20, kNow));
  const auto refused = store.revoke("c", kNow + 30, kNow);
  ASSERT_FALSE(refused);
  EXPECT_THAT(refused, FailsWith(RevocationError::capacity_exceeded));
  EXPECT_TRUE(*store.is_revoked("a", kNow));
  EXPECT_TRUE(store.revoke("a", kNow + 15, kNow)) << "updating an entry needs no room";
  // Once "a" expires there is room again.
  EXPECT_TRUE(store.revoke("c", kNow + 30, kNow + 15));
  EXPECT_FALSE(*store.is_revoked("a", kNow + 15));
  EXPECT_TRUE(*store.is_revoked("c", kNow + 15));
}

TEST(MemoryRevocationStore, ConcurrentUseIsConsistent) {
  MemoryRevocationStore store;
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&store, t] {
      for (int i = 0; i < 500; ++i) {
        const std::string jti = std::to_string(t) + "-" + std::to_string(i);
        ASSERT_TRUE(store.revoke(jti, kNow + 1000 + i, kNow));
        ASSERT_TRUE(*store.is_revoked(jti, kNow));
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(store.size(), 2000u);
  EXPECT_FALSE(*store.is_revoked("x", kNow + 1250));
  EXPECT_EQ(store.size(), 4u * 249u) << "entries with deny_until <= now are gone";
}

TEST(RevocationError, HasNames) {
  EXPECT_STREQ(to_string(RevocationError::unavailable), "unavailable");
  EXPECT_STREQ(to_string(RevocationError::capacity_exceeded), "capacity_exceeded");
}

}  // namespace
}  // namespace smlapi::auth
