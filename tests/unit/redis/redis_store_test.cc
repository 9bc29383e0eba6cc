// RedisStore against a real redis-server started on a loopback port by the fixture.
#include "redis/redis_store.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <gtest/gtest.h>
#include <hiredis/hiredis.h>

#include "../ratelimit/fake_clock.h"
#include "ratelimit/login_throttle.h"
#include "redis/connection.h"
#include "redis_server.h"
#include "result_matchers.h"

namespace smlapi::redis {
namespace {

using ::smlapi::result_testing::FailsWith;

using namespace std::chrono_literals;
using ratelimit::DecisionSource;
using ratelimit::Policy;
using ratelimit::testing::FakeClock;
using testing::RedisServer;

// Long periods make every assertion independent of how fast the test runs: with 10 per hour,
// the next token appears only after 6 minutes of Redis time.
const Policy kTenPerHour{"default", 10, 3600s, 9};

class RedisStoreTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    // hiredis writes with write(2): a peer that went away must not kill the process. The
    // application does the same in main.
    signal(SIGPIPE, SIG_IGN);
  }

  void SetUp() override {
    if (!testing::redis_server_available()) {
      GTEST_SKIP() << testing::kRedisServerPath << " not installed";
    }
  }

  Config config_for(const RedisServer& server) const {
    Config config;
    config.port = server.port();
    config.connections = 2;
    config.timeout = 500ms;  // generous: CI machines are shared; failures are not timed anyway
    config.connect_timeout = 500ms;
    return config;
  }

  std::unique_ptr<RedisStore> store(const Config& config) {
    auto created = RedisStore::create(config, clock_);
    EXPECT_TRUE(created.has_value());
    return created.has_value() ? std::move(*created) : nullptr;
  }

  // Runs a command on a plain connection, to look at Redis directly.
  long long raw(const RedisServer& server, std::initializer_list<std::string_view> args,
                const std::string& password = "") {
    Config config = config_for(server);
    config.password = password;
    return testing::run_command(config, args);
  }

  FakeClock clock_;
};

TEST_F(RedisStoreTest, TwoReplicasEnforceOneCombinedLimit) {
  RedisServer server;
  ASSERT_TRUE(server.running());
  auto replica_a = store(config_for(server));
  auto replica_b = store(config_for(server));
  int allowed = 0;
  for (int i = 0; i < 30; ++i) {
    RedisStore& replica = i % 2 == 0 ? *replica_a : *replica_b;
    const auto decision = replica.check("rl:ip:192.0.2.1", kTenPerHour, clock_.now());
    ASSERT_EQ(decision.source, DecisionSource::store);
    if (decision.allowed) {
      ++allowed;
      EXPECT_EQ(decision.remaining, 10u - static_cast<unsigned>(allowed));
    } else {
      EXPECT_GT(decision.retry_after, 5min);
      EXPECT_LE(decision.retry_after, 6min);
    }
  }
  EXPECT_EQ(allowed, 10);
  EXPECT_TRUE(replica_a->check("rl:ip:192.0.2.2", kTenPerHour, clock_.now()).allowed);
  EXPECT_TRUE(replica_a->healthy());
  EXPECT_EQ(replica_a->errors(), 0u);
}

TEST_F(RedisStoreTest, ConcurrentReplicasLoseNoUpdate) {
  RedisServer server;
  ASSERT_TRUE(server.running());
  auto replica_a = store(config_for(server));
  auto replica_b = store(config_for(server));
  const Policy fifty{"fifty", 50, 3600s, 49};
  std::atomic<int> allowed{0};
  auto hammer = [&](RedisStore& replica) {
    for (int i = 0; i < 60; ++i) {
      allowed += replica.check("rl:shared", fifty, clock_.now()).allowed ? 1 : 0;
    }
  };
  std::thread a([&] { hammer(*replica_a); });
  std::thread b([&] { hammer(*replica_b); });
  a.join();
  b.join();
  EXPECT_EQ(allowed.load(), 50);
}

TEST_F(RedisStoreTest, KeysCarryATimeToLive) {
  RedisServer server;
  ASSERT_TRUE(server.running());
  auto replica = store(config_for(server));
  ASSERT_TRUE(replica->check("rl:ttl", kTenPerHour, clock_.now()).allowed);
  const long long ttl = raw(server, {"PTTL", replica->redis_key("rl:ttl")});
  EXPECT_GT(ttl, 0) << "the key must expire";
  EXPECT_LE(ttl, 360'000) << "TTL = time until the TAT is reached (one interval)";
  EXPECT_EQ(replica->redis_key("rl:ttl"), "smlapi:rl:ttl");

  (void)replica->record_failure("bf:acct:x", ratelimit::BackoffPolicy{}, clock_.now());
  const long long failure_ttl = raw(server, {"PTTL", replica->redis_key("bf:acct:x")});
  EXPECT_GT(failure_ttl, 0);
  EXPECT_LE(failure_ttl, 3'600'000);
}

TEST_F(RedisStoreTest, ScriptCacheFlushFallsBackToEval) {
  RedisServer server;
  ASSERT_TRUE(server.running());
  auto replica = store(config_for(server));
  ASSERT_TRUE(replica->check("rl:flush", kTenPerHour, clock_.now()).allowed);
  raw(server, {"SCRIPT", "FLUSH"});
  const auto decision = replica->check("rl:flush", kTenPerHour, clock_.now());
  EXPECT_EQ(decision.source, DecisionSource::store);
  EXPECT_EQ(decision.remaining, 8u);
}

TEST_F(RedisStoreTest, ReconnectsByItselfAfterARedisRestart) {
  RedisServer server;
  ASSERT_TRUE(server.running());
  auto replica = store(config_for(server));
  ASSERT_EQ(replica->check("rl:r", kTenPerHour, clock_.now()).source, DecisionSource::store);

  server.stop();
  ASSERT_TRUE(server.start());
  // The stale connection fails with "closed" and is replaced at once, within this call.
  EXPECT_EQ(replica->check("rl:r", kTenPerHour, clock_.now()).source, DecisionSource::store);

  server.stop();
  EXPECT_EQ(replica->check("rl:r", kTenPerHour, clock_.now()).source, DecisionSource::fallback);
  ASSERT_TRUE(server.start());
  EXPECT_EQ(replica->check("rl:r", kTenPerHour, clock_.now()).source, DecisionSource::fallback)
      << "reconnect back-off still running: no connection attempt yet";
  clock_.advance(150ms);
  EXPECT_EQ(replica->check("rl:r", kTenPerHour, clock_.now()).source, DecisionSource::store);
  EXPECT_TRUE(replica->healthy());
}

TEST_F(RedisStoreTest, FailOpenUsesTheLocalShareOfTheLimit) {
  RedisServer server;
  ASSERT_TRUE(server.running());
  Config config = config_for(server);
  config.failure_mode = FailureMode::fail_open;
  config.fallback_replicas = 2;
  auto replica = store(config);
  server.stop();
  int allowed = 0;
  for (int i = 0; i < 20; ++i) {
    const auto decision = replica->check("rl:open", kTenPerHour, clock_.now());
    ASSERT_EQ(decision.source, DecisionSource::fallback);
    allowed += decision.allowed ? 1 : 0;
  }
  EXPECT_EQ(allowed, 5) << "10 shared between 2 replicas";
  EXPECT_FALSE(replica->healthy());
  EXPECT_GE(replica->errors(), 20u);
}

TEST_F(RedisStoreTest, FailClosedDeniesDistinguishably) {
  RedisServer server;
  ASSERT_TRUE(server.running());
  Config config = config_for(server);
  config.failure_mode = FailureMode::fail_closed;
  config.unavailable_retry_after = 2s;
  auto replica = store(config);
  ASSERT_TRUE(replica->check("rl:closed", kTenPerHour, clock_.now()).allowed);
  server.stop();
  const auto decision = replica->check("rl:closed", kTenPerHour, clock_.now());
  EXPECT_FALSE(decision.allowed);
  EXPECT_EQ(decision.source, DecisionSource::store_unavailable);
  EXPECT_EQ(decision.retry_after, 2s);
  const auto lockout = replica->lockout("bf:acct:a", clock_.now());
  EXPECT_EQ(lockout.source, DecisionSource::store_unavailable);
  EXPECT_TRUE(lockout.locked());
}

TEST_F(RedisStoreTest, UnansweringServerTimesOutInsteadOfHanging) {
  // A listening socket that is never served: connect succeeds, no reply ever comes.
  const int listener = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t length = sizeof(address);
  ASSERT_EQ(bind(listener, reinterpret_cast<sockaddr*>(&address), sizeof(address)), 0);
  ASSERT_EQ(listen(listener, 16), 0);
  ASSERT_EQ(getsockname(listener, reinterpret_cast<sockaddr*>(&address), &length), 0);
  Config config;
  config.port = ntohs(address.sin_port);
  config.timeout = 50ms;
  config.failure_mode = FailureMode::fail_closed;
  auto replica = store(config);
  const auto first = replica->check("rl:slow", kTenPerHour, clock_.now());
  EXPECT_EQ(first.source, DecisionSource::store_unavailable);
  const auto second = replica->check("rl:slow", kTenPerHour, clock_.now());
  EXPECT_EQ(second.source, DecisionSource::store_unavailable) << "back-off: no second wait";
  close(listener);
}

TEST_F(RedisStoreTest, AuthenticatesWithPasswordAndAclUser) {
  RedisServer server({"--requirepass", "s3cret-pw"});
  ASSERT_TRUE(server.running());
  Config config = config_for(server);
  EXPECT_FALSE(store(config)->healthy()) << "no password: NOAUTH";
  config.password = "wrong";
  EXPECT_FALSE(store(config)->healthy());
  config.password = "s3cret-pw";
  auto replica = store(config);
  EXPECT_TRUE(replica->healthy());
  EXPECT_EQ(replica->check("rl:auth", kTenPerHour, clock_.now()).source, DecisionSource::store);

  raw(server, {"ACL", "SETUSER", "limiter", "on", ">limiter-pw", "~smlapi:*", "+@all"},
      "s3cret-pw");
  config.username = "limiter";
  config.password = "limiter-pw";
  config.db = 0;
  auto acl_replica = store(config);
  EXPECT_TRUE(acl_replica->healthy());
  EXPECT_EQ(acl_replica->check("rl:auth", kTenPerHour, clock_.now()).remaining, 8u);
  EXPECT_EQ(describe(config).find("limiter-pw"), std::string::npos);
}

TEST_F(RedisStoreTest, SelectsTheConfiguredDatabaseAndPrefix) {
  RedisServer server;
  ASSERT_TRUE(server.running());
  Config config = config_for(server);
  config.db = 3;
  config.key_prefix = "tenant-a:";
  auto replica = store(config);
  ASSERT_TRUE(replica->check("rl:db", kTenPerHour, clock_.now()).allowed);
  Config raw_config = config_for(server);
  raw_config.db = 3;
  EXPECT_EQ(testing::run_command(raw_config, {"EXISTS", "tenant-a:rl:db"}), 1);
  EXPECT_EQ(raw(server, {"DBSIZE"}), 0) << "db 0 untouched";
}

TEST_F(RedisStoreTest, LoginThrottleHoldsAcrossReplicas) {
  RedisServer server;
  ASSERT_TRUE(server.running());
  auto replica_a = store(config_for(server));
  auto replica_b = store(config_for(server));
  ratelimit::LoginThrottle on_a(*replica_a, {});
  ratelimit::LoginThrottle on_b(*replica_b, {});
  // The (account, source) pair's counter is shared: guessing across replicas is as slow as
  // against one.
  for (int i = 0; i < 5; ++i) {
    ratelimit::LoginThrottle& throttle = i % 2 == 0 ? on_a : on_b;
    ASSERT_TRUE(throttle.check("alice", "192.0.2.1", false, clock_.now()).allowed) << i;
    throttle.record_failure("alice", "192.0.2.1", clock_.now());
  }
  const auto verdict = on_b.check("alice", "192.0.2.1", false, clock_.now());
  EXPECT_FALSE(verdict.allowed);
  EXPECT_GT(verdict.retry_after, 0s);
  EXPECT_LE(verdict.retry_after, 1s);
  EXPECT_TRUE(on_b.check("alice", "198.51.100.7", false, clock_.now()).allowed)
      << "another source is not locked out by this one's failures";
  on_a.record_success("alice", "192.0.2.1");
  EXPECT_EQ(
      replica_b->lockout(ratelimit::LoginThrottle::pair_key("alice", "192.0.2.1"), clock_.now())
          .failures,
      0u);
}

TEST(RedisConfig, RejectsNonsense) {
  Config config;
  EXPECT_TRUE(validate(config).has_value());
  config = Config{};
  config.connections = 0;
  EXPECT_THAT(validate(config), FailsWith(ConfigError::bad_connections));
  config = Config{};
  config.key_prefix = "has space";
  EXPECT_THAT(validate(config), FailsWith(ConfigError::bad_key_prefix));
  config = Config{};
  config.timeout = 0ms;
  EXPECT_THAT(validate(config), FailsWith(ConfigError::bad_timeout));
  config = Config{};
  config.password = "hunter2";
  EXPECT_EQ(describe(config).find("hunter2"), std::string::npos);
  FakeClock clock;
  config.port = 0;
  EXPECT_FALSE(RedisStore::create(config, clock).has_value());
}

}  // namespace
}  // namespace smlapi::redis
