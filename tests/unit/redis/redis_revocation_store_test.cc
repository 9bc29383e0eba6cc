#include "redis/redis_revocation_store.h"

#include <signal.h>

#include <gtest/gtest.h>
#include <hiredis/hiredis.h>

#include "../ratelimit/fake_clock.h"
#include "redis/connection.h"
#include "redis_server.h"
#include "result_matchers.h"

namespace smlapi::redis {
namespace {

using ::smlapi::result_testing::FailsWith;

using namespace std::chrono_literals;
using ratelimit::testing::FakeClock;
using testing::RedisServer;

class RedisRevocationStoreTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { signal(SIGPIPE, SIG_IGN); }
  void SetUp() override {
    if (!testing::redis_server_available()) {
      GTEST_SKIP() << testing::kRedisServerPath << " not installed";
    }
  }
  Config config_for(const RedisServer& server) const {
    Config config;
    config.port = server.port();
    config.timeout = 500ms;
    config.connect_timeout = 500ms;
    return config;
  }
  FakeClock clock_;
};

// Far enough in the future for any test run, and in the past for the expired case.
constexpr std::int64_t kNow = 1'900'000'000;

TEST_F(RedisRevocationStoreTest, RevocationIsSharedAndExpiresWithTheToken) {
  RedisServer server;
  ASSERT_TRUE(server.running());
  RedisRevocationStore replica_a(config_for(server), clock_);
  RedisRevocationStore replica_b(config_for(server), clock_);
  EXPECT_FALSE(testing::unwrap(replica_b.is_revoked("jti-1", kNow)));
  ASSERT_TRUE(replica_a.revoke("jti-1", kNow + 600, kNow).has_value());
  EXPECT_TRUE(testing::unwrap(replica_b.is_revoked("jti-1", kNow)));
  EXPECT_FALSE(testing::unwrap(replica_b.is_revoked("jti-2", kNow)));
  ASSERT_TRUE(replica_a.revoke("jti-1", kNow + 600, kNow).has_value()) << "idempotent";

  EXPECT_EQ(testing::run_command(config_for(server), {"EXPIRETIME", "smlapi:revoked:jti-1"}),
            kNow + 600);
}

TEST_F(RedisRevocationStoreTest, AlreadyExpiredTokensAreNotStored) {
  RedisServer server;
  ASSERT_TRUE(server.running());
  RedisRevocationStore store(config_for(server), clock_);
  ASSERT_TRUE(store.revoke("old", kNow - 1, kNow).has_value());
  EXPECT_FALSE(testing::unwrap(store.is_revoked("old", kNow)));
}

TEST_F(RedisRevocationStoreTest, RedisDownIsReportedAsUnavailable) {
  RedisServer server;
  ASSERT_TRUE(server.running());
  RedisRevocationStore store(config_for(server), clock_);
  server.stop();
  EXPECT_THAT(store.is_revoked("jti", kNow), FailsWith(auth::RevocationError::unavailable));
  EXPECT_THAT(store.revoke("jti", kNow + 60, kNow), FailsWith(auth::RevocationError::unavailable));
  EXPECT_GE(store.errors(), 2u);
}

}  // namespace
}  // namespace smlapi::redis
