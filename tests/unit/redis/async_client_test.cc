// AsyncClient against real redis-server processes: pipelining in order, the connection's
// set-up (AUTH, SELECT, scripts), and every failure the production topology brings — a
// restart, a server that stops answering, a refused password, a flushed script cache, a
// replica that refuses writes until it is promoted (a failover).
#include "redis/async_client.h"

#include <signal.h>

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include <hiredis/hiredis.h>
#include "result_matchers.h"

#include "redis/lua_scripts.h"
#include "redis/script.h"
#include "redis_server.h"

namespace smlapi::redis {
namespace {

using namespace std::chrono_literals;
using result_testing::ErrorOf;
using testing::RedisServer;

// Generous: only a bound on how long a broken test may hang, never an assertion on speed.
constexpr auto kPatience = 10s;

class AsyncClientTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { signal(SIGPIPE, SIG_IGN); }

  void SetUp() override {
    if (!testing::redis_server_available()) {
      GTEST_SKIP() << testing::kRedisServerPath << " not installed";
    }
  }

  Config config_for(std::uint16_t port) const {
    Config config;
    config.port = port;
    config.timeout = 300ms;
    config.connect_timeout = 300ms;
    config.reconnect_min = 20ms;
    config.reconnect_max = 100ms;
    return config;
  }

  std::shared_ptr<AsyncClient> client(Config config, std::vector<std::string> scripts = {}) {
    auto made = AsyncClient::create(io_, std::move(config), std::move(scripts), 0, nullptr, stats_);
    made->start();
    return made;
  }

  // Runs the loop until `done` holds (false if it never does within kPatience).
  bool run_until(const std::function<bool()>& done) {
    const auto give_up = std::chrono::steady_clock::now() + kPatience;
    while (!done()) {
      if (std::chrono::steady_clock::now() > give_up) return false;
      io_.restart();
      io_.run_for(10ms);
    }
    return true;
  }

  bool run_until_state(LinkState state) {
    return run_until([&] { return stats_.state.load() == state; });
  }

  // One command, run to its answer.
  AsyncClient::Result call(AsyncClient& client, std::vector<std::string_view> args) {
    std::optional<AsyncClient::Result> result;
    client.execute(args, [&](AsyncClient::Result r) { result.emplace(std::move(r)); });
    EXPECT_TRUE(run_until([&] { return result.has_value(); }));
    if (!result.has_value()) return Error{ErrorKind::io, "no answer"};
    return std::move(*result);
  }

  boost::asio::io_context io_;
  LinkStats stats_;
};

long long integer_of(const AsyncClient::Result& result) {
  if (!result.has_value() || (*result)->type != REDIS_REPLY_INTEGER) return -1;
  return (*result)->integer;
}

TEST_F(AsyncClientTest, AnswersPipelinedCommandsInTheOrderSent) {
  RedisServer server;
  auto redis = client(config_for(server.port()));
  std::vector<long long> answers;
  constexpr int kCommands = 200;
  std::uint32_t most_in_flight = 0;
  for (int i = 0; i < kCommands; ++i) {
    const std::string_view incr[] = {"INCR", "counter"};
    redis->execute(incr, [&](AsyncClient::Result r) { answers.push_back(integer_of(r)); });
    most_in_flight = std::max(most_in_flight, stats_.in_flight.load());
  }
  ASSERT_TRUE(run_until([&] { return answers.size() == kCommands; }));
  for (int i = 0; i < kCommands; ++i) EXPECT_EQ(answers[i], i + 1);
  EXPECT_GE(most_in_flight, static_cast<std::uint32_t>(kCommands));  // none waited for another
  EXPECT_EQ(stats_.in_flight.load(), 0u);
}

TEST_F(AsyncClientTest, AuthenticatesAsAnAclUserAndSelectsTheDatabase) {
  RedisServer server({"--user", "default", "off", "--user", "svc", "on", ">s3cret", "~*", "+@all"});
  Config config = config_for(server.port());
  config.username = "svc";
  config.password = "s3cret";
  config.db = 3;
  auto redis = client(config);
  EXPECT_EQ(integer_of(call(*redis, {"INCR", "in-db-3"})), 1);
  EXPECT_EQ(testing::run_command(config, {"INCR", "in-db-3"}), 2);  // same user, same db
}

TEST_F(AsyncClientTest, AWrongPasswordFailsAndCommandsThenFailAtOnce) {
  RedisServer server({"--requirepass", "right"});
  Config config = config_for(server.port());
  config.password = "wrong";
  auto redis = client(config);
  auto first = call(*redis, {"PING"});
  ASSERT_FALSE(first.has_value());
  EXPECT_EQ(ErrorOf(first).kind, ErrorKind::auth);
  EXPECT_EQ(ErrorOf(first).detail.find("wrong"), std::string::npos);  // never the password
  // Backing off: refused without waiting for a timeout.
  std::optional<AsyncClient::Result> second;
  const std::string_view ping[] = {"PING"};
  redis->execute(ping, [&](AsyncClient::Result r) { second.emplace(std::move(r)); });
  ASSERT_TRUE(second.has_value());
  EXPECT_EQ(ErrorOf(*second).kind, ErrorKind::backing_off);
}

TEST_F(AsyncClientTest, ReconnectsAtOnceWhenARestartedServerClosedTheConnection) {
  RedisServer server;
  auto redis = client(config_for(server.port()));
  ASSERT_EQ(integer_of(call(*redis, {"INCR", "k"})), 1);
  server.stop();
  ASSERT_TRUE(server.start());
  // The closed connection is noticed, replaced, and the new one set up; no command is lost
  // to it after that.
  ASSERT_TRUE(run_until(
      [&] { return stats_.reconnects.load() >= 1 && stats_.state.load() == LinkState::up; }));
  EXPECT_EQ(integer_of(call(*redis, {"INCR", "k"})), 1);  // a fresh server, no persistence
}

TEST_F(AsyncClientTest, AServerThatStopsAnsweringTimesOutThenRecovers) {
  RedisServer server;
  auto redis = client(config_for(server.port()));
  ASSERT_TRUE(call(*redis, {"PING"}).has_value());
  server.pause();
  auto stuck = call(*redis, {"PING"});
  ASSERT_FALSE(stuck.has_value());
  EXPECT_EQ(ErrorOf(stuck).kind, ErrorKind::timeout);
  // Backing off (or probing a server that failed): commands fail at once, nobody waits.
  std::optional<AsyncClient::Result> next;
  const std::string_view ping[] = {"PING"};
  redis->execute(ping, [&](AsyncClient::Result r) { next.emplace(std::move(r)); });
  ASSERT_TRUE(next.has_value());
  EXPECT_EQ(ErrorOf(*next).kind, ErrorKind::backing_off);
  server.resume();
  ASSERT_TRUE(run_until_state(LinkState::up));
  EXPECT_TRUE(call(*redis, {"PING"}).has_value());
}

TEST_F(AsyncClientTest, LoadsItsScriptsOnEveryConnectionEvenAfterAFlush) {
  RedisServer server;
  const Script script(std::string(lua::kGcraFunction) + lua::kGcraMain);
  auto redis = client(config_for(server.port()), {script.source()});
  const std::vector<std::string_view> evalsha{"EVALSHA", script.sha1(), "1", "k", "1000", "5"};
  ASSERT_TRUE(call(*redis, evalsha).has_value());  // loaded by the set-up: no NOSCRIPT
  testing::run_command(config_for(server.port()), {"SCRIPT", "FLUSH"});
  auto flushed = call(*redis, evalsha);
  ASSERT_FALSE(flushed.has_value());  // this one meets the empty cache...
  EXPECT_EQ(ErrorOf(flushed).detail.rfind("NOSCRIPT", 0), 0u);
  ASSERT_TRUE(run_until_state(LinkState::up));  // ... and the connection loads them again
  EXPECT_TRUE(call(*redis, evalsha).has_value());
}

// A failover as the service lives it: its endpoint answers as a replica (READONLY) until the
// replica is promoted; the client backs off, reconnects, and writes again.
TEST_F(AsyncClientTest, AReplicaRefusingWritesIsLeftUntilItIsPromoted) {
  RedisServer primary;
  RedisServer replica({"--replicaof", "127.0.0.1", std::to_string(primary.port())});
  auto redis = client(config_for(replica.port()));
  auto refused = call(*redis, {"INCR", "k"});
  ASSERT_FALSE(refused.has_value());
  EXPECT_EQ(ErrorOf(refused).detail.rfind("READONLY", 0), 0u);
  EXPECT_NE(stats_.state.load(), LinkState::up);
  testing::run_command(config_for(replica.port()), {"REPLICAOF", "NO", "ONE"});
  ASSERT_TRUE(run_until_state(LinkState::up));
  EXPECT_EQ(integer_of(call(*redis, {"INCR", "k"})), 1);
}

TEST_F(AsyncClientTest, ClosingFailsWhatWaitsAndEverythingAfter) {
  RedisServer server;
  auto redis = client(config_for(server.port()));
  std::optional<AsyncClient::Result> waiting;
  const std::string_view ping[] = {"PING"};
  redis->execute(ping, [&](AsyncClient::Result r) { waiting.emplace(std::move(r)); });
  redis->close();
  ASSERT_TRUE(waiting.has_value());
  EXPECT_EQ(ErrorOf(*waiting).kind, ErrorKind::closed);
  auto after = call(*redis, {"PING"});
  EXPECT_EQ(ErrorOf(after).kind, ErrorKind::closed);
}

}  // namespace
}  // namespace smlapi::redis
