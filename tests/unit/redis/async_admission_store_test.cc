// AsyncAdmissionStore against a real redis-server: on an event loop it answers every step as
// the blocking store does (same decisions, same keys), the steps of one turn of the loop are one
// command that decides them in order, and a Redis that is down gives the blocking store's outage
// answers at once.
#include "redis/async_admission_store.h"

#include <signal.h>

#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

#include "../ratelimit/fake_clock.h"
#include "redis_server.h"

namespace smlapi::redis {
namespace {

using namespace std::chrono_literals;
using ratelimit::AdmissionQuery;
using ratelimit::AdmissionResults;
using ratelimit::DecisionSource;
using ratelimit::LimitQuery;
using ratelimit::Listing;
using ratelimit::Policy;
using ratelimit::testing::FakeClock;
using testing::RedisServer;

const Policy kAddress{"predict", 10, 3600s, 9};       // 10 in a row
const Policy kSubject{"predict-user", 10, 3600s, 4};  // 5 in a row
constexpr std::int64_t kNow = 1'900'000'000;
constexpr auto kPatience = 10s;

// One request's wait, as api::PendingRequest does it.
struct Waiter final : ratelimit::AdmissionWaiter {
  AdmissionQuery query;
  std::optional<AdmissionResults> results;
  const AdmissionQuery& admission_query() const override { return query; }
  void admission_done(const AdmissionResults& r) override { results = r; }
};

class AsyncAdmissionStoreTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { signal(SIGPIPE, SIG_IGN); }

  void SetUp() override {
    if (!testing::redis_server_available()) {
      GTEST_SKIP() << testing::kRedisServerPath << " not installed";
    }
  }

  void connect(std::uint16_t port, FailureMode mode = FailureMode::fail_open) {
    Config config;
    config.port = port;
    config.connections = 1;
    config.timeout = 300ms;
    config.connect_timeout = 300ms;
    config.reconnect_min = 1s;  // stays backing off for the length of a test
    config.failure_mode = mode;
    std::shared_ptr<RedisStore> store(std::move(*RedisStore::create(config, clock_)));
    auto revocations = std::make_shared<RedisRevocationStore>(config, clock_);
    blocking_ = std::make_shared<RedisAdmissionStore>(store, revocations);
    async_.emplace(blocking_, config, 1, nullptr);
    async_->attach(0, io_);
  }

  void run_until(const std::function<bool()>& done) {
    const auto give_up = std::chrono::steady_clock::now() + kPatience;
    while (!done() && std::chrono::steady_clock::now() < give_up) {
      io_.restart();
      io_.run_for(10ms);
    }
  }

  static void fill(Waiter& waiter, std::string_view address, std::string_view jti,
                   std::string_view subject, ratelimit::TimePoint now) {
    if (!address.empty()) waiter.query.address = LimitQuery{address, &kAddress};
    if (!jti.empty()) waiter.query.jti = jti;
    if (!subject.empty()) waiter.query.subject = LimitQuery{subject, &kSubject};
    waiter.query.now = now;
    waiter.query.unix_now = kNow;
  }

  FakeClock clock_;
  boost::asio::io_context io_;
  std::shared_ptr<RedisAdmissionStore> blocking_;
  std::optional<AsyncAdmissionStore> async_;
};

TEST_F(AsyncAdmissionStoreTest, AnswersEveryShapeAsTheBlockingStoreDoes) {
  RedisServer server;
  connect(server.port());
  // Twelve requests of each shape, all sent in one turn of the loop: their answers, in order,
  // match the blocking store's for the same sequence on twin keys.
  struct Shape {
    const char* address;
    const char* jti;
    const char* subject;
  };
  const Shape shapes[] = {{"rl:predict:ip:192.0.2.1", "", ""},
                          {"rl:predict:ip:192.0.2.2", "jti-a", "rl:predict-user:sub:alice"},
                          {"", "jti-b", "rl:predict-user:sub:bob"},
                          {"", "", "rl:predict-user:sub:carol"}};
  constexpr int kRounds = 12;
  std::vector<Waiter> waiters(kRounds * std::size(shapes));
  for (int round = 0; round < kRounds; ++round) {
    for (std::size_t s = 0; s < std::size(shapes); ++s) {
      Waiter& waiter = waiters[round * std::size(shapes) + s];
      fill(waiter, shapes[s].address, shapes[s].jti, shapes[s].subject, clock_.now());
      async_->run_async(0, waiter);
    }
  }
  run_until([&] { return waiters.back().results.has_value(); });
  for (int round = 0; round < kRounds; ++round) {
    for (std::size_t s = 0; s < std::size(shapes); ++s) {
      SCOPED_TRACE(::testing::Message() << "round " << round << " shape " << s);
      const Waiter& waiter = waiters[round * std::size(shapes) + s];
      ASSERT_TRUE(waiter.results.has_value());
      // The twin: same query, keys under another name, through the blocking store.
      auto twin = [&](const char* key) {
        return key[0] == '\0' ? std::string() : std::string("twin:") + key;
      };
      const std::string a = twin(shapes[s].address), j = twin(shapes[s].jti),
                        u = twin(shapes[s].subject);
      Waiter expected;
      fill(expected, a, j, u, clock_.now());
      const AdmissionResults want = blocking_->run(expected.query);
      const AdmissionResults& got = *waiter.results;
      ASSERT_EQ(got.address.has_value(), want.address.has_value());
      if (got.address) {
        EXPECT_EQ(got.address->allowed, want.address->allowed);
        EXPECT_EQ(got.address->remaining, want.address->remaining);
        EXPECT_EQ(got.address->source, DecisionSource::store);
      }
      EXPECT_EQ(got.listing, want.listing);
      ASSERT_EQ(got.subject.has_value(), want.subject.has_value());
      if (got.subject) {
        EXPECT_EQ(got.subject->allowed, want.subject->allowed);
        EXPECT_EQ(got.subject->remaining, want.subject->remaining);
      }
    }
  }
}

TEST_F(AsyncAdmissionStoreTest, ReadsTheDenyList) {
  RedisServer server;
  connect(server.port());
  ASSERT_TRUE(blocking_->deny_list().redis_key("gone").size() > 0);
  Config config;
  config.port = server.port();
  testing::run_command(config, {"SET", blocking_->deny_list().redis_key("gone"), "1"});
  Waiter revoked;
  fill(revoked, "rl:predict:ip:192.0.2.9", "gone", "rl:predict-user:sub:dave", clock_.now());
  async_->run_async(0, revoked);
  run_until([&] { return revoked.results.has_value(); });
  ASSERT_TRUE(revoked.results.has_value());
  EXPECT_EQ(revoked.results->listing, Listing::listed);
  EXPECT_FALSE(revoked.results->subject.has_value());  // a refused step touches nothing after it
}

TEST_F(AsyncAdmissionStoreTest, WithoutRedisAnswersAsTheBlockingStoreDoesWithoutIt) {
  RedisServer server;
  connect(server.port(), FailureMode::fail_closed);
  server.stop();
  Waiter first;
  fill(first, "rl:predict:ip:192.0.2.1", "jti-a", "rl:predict-user:sub:alice", clock_.now());
  async_->run_async(0, first);
  run_until([&] { return first.results.has_value(); });
  ASSERT_TRUE(first.results.has_value());
  EXPECT_FALSE(first.results->address->allowed);
  EXPECT_EQ(first.results->address->source, DecisionSource::store_unavailable);
  // Backing off now: the next request is answered in the same turn of the loop, without
  // waiting for Redis.
  Waiter second;
  fill(second, "rl:predict:ip:192.0.2.1", "", "", clock_.now());
  async_->run_async(0, second);
  io_.restart();
  io_.poll();
  ASSERT_TRUE(second.results.has_value());
  EXPECT_EQ(second.results->address->source, DecisionSource::store_unavailable);
}

TEST_F(AsyncAdmissionStoreTest, OneTurnsStepsAreOneCommandDecidedInOrder) {
  RedisServer server;
  connect(server.port());
  // Twelve requests of one client in one turn: address limit 10 in a row, subject 5.
  std::vector<Waiter> waiters(12);
  for (Waiter& waiter : waiters) {
    fill(waiter, "rl:predict:ip:192.0.2.7", "jti-7", "rl:predict-user:sub:erin", clock_.now());
    async_->run_async(0, waiter);
  }
  run_until([&] { return waiters.back().results.has_value(); });
  for (std::size_t i = 0; i < waiters.size(); ++i) {
    SCOPED_TRACE(::testing::Message() << "request " << i);
    const auto& results = waiters[i].results;
    ASSERT_TRUE(results.has_value());
    ASSERT_TRUE(results->address.has_value());
    EXPECT_EQ(results->address->source, DecisionSource::store);
    EXPECT_EQ(results->address->allowed, i < 10);
    if (i >= 10) {  // a refused address: nothing after it ran
      EXPECT_FALSE(results->listing.has_value());
      EXPECT_FALSE(results->subject.has_value());
      continue;
    }
    EXPECT_EQ(results->address->remaining, 9 - i);
    EXPECT_EQ(results->listing, Listing::absent);
    ASSERT_TRUE(results->subject.has_value());
    EXPECT_EQ(results->subject->allowed, i < 5);
    if (i < 5) {
      EXPECT_EQ(results->subject->remaining, 4 - i);
    }
  }
  // One command, each key read once and each changed key written once.
  Config config;
  config.port = server.port();
  EXPECT_EQ(testing::command_calls(config, "evalsha"), 1);
  EXPECT_EQ(testing::command_calls(config, "mget"), 1);
  EXPECT_EQ(testing::command_calls(config, "set"), 2);
  EXPECT_EQ(testing::command_calls(config, "get"), 0);
  // The keys hold what the last allowed step left, as after twelve separate steps: a later
  // request of the client is still refused by its address.
  Waiter later;
  fill(later, "rl:predict:ip:192.0.2.7", "jti-7", "rl:predict-user:sub:erin", clock_.now());
  async_->run_async(0, later);
  run_until([&] { return later.results.has_value(); });
  ASSERT_TRUE(later.results.has_value());
  EXPECT_FALSE(later.results->address->allowed);
  EXPECT_EQ(later.results->address->source, DecisionSource::store);
}

TEST_F(AsyncAdmissionStoreTest, MoreStepsThanABatchHoldsGoInSeveralCommandsInOrder) {
  RedisServer server;
  connect(server.port());
  const Policy wide{"wide", 1000, 3600s, 149};  // 150 in a row
  constexpr std::size_t kRequests = 2 * AdmissionBatch::kMaxRequests + 30;
  std::vector<Waiter> waiters(kRequests);
  for (Waiter& waiter : waiters) {
    waiter.query.address = LimitQuery{"rl:wide:ip:192.0.2.8", &wide};
    waiter.query.now = clock_.now();
    waiter.query.unix_now = kNow;
    async_->run_async(0, waiter);
  }
  run_until([&] { return waiters.back().results.has_value(); });
  for (std::size_t i = 0; i < kRequests; ++i) {
    ASSERT_TRUE(waiters[i].results.has_value()) << i;
    EXPECT_EQ(waiters[i].results->address->source, DecisionSource::store) << i;
    EXPECT_EQ(waiters[i].results->address->allowed, i < 150) << i;
  }
  Config config;
  config.port = server.port();
  EXPECT_EQ(testing::command_calls(config, "evalsha"), 3);
}

// As a keep-alive connection does: its next request starts when the previous one is answered.
struct Chained final : ratelimit::AdmissionWaiter {
  AdmissionQuery query;
  std::function<void()> then;
  std::optional<AdmissionResults> results;
  const AdmissionQuery& admission_query() const override { return query; }
  void admission_done(const AdmissionResults& r) override {
    results = r;
    if (then) std::exchange(then, {})();
  }
};

TEST_F(AsyncAdmissionStoreTest, ARequestStartedByAnAnswerGoesInTheNextCommand) {
  RedisServer server;
  connect(server.port());
  // `n` requests on `address`, each started by its predecessor's answer.
  const auto run_chain = [this](std::size_t n, std::string_view address) {
    std::vector<Chained> chain(n);
    for (std::size_t i = 0; i < n; ++i) {
      chain[i].query.address = LimitQuery{address, &kAddress};
      chain[i].query.now = clock_.now();
      if (i + 1 < n) chain[i].then = [this, &chain, i] { async_->run_async(0, chain[i + 1]); };
    }
    async_->run_async(0, chain[0]);
    run_until([&] { return chain.back().results.has_value(); });
    return chain;
  };
  const std::vector<Chained> chain = run_chain(6, "rl:predict:ip:192.0.2.9");
  for (std::size_t i = 0; i < chain.size(); ++i) {
    ASSERT_TRUE(chain[i].results.has_value()) << i;
    EXPECT_EQ(chain[i].results->address->source, DecisionSource::store) << i;
    EXPECT_EQ(chain[i].results->address->remaining, 9 - i) << i;
  }
  // The same with Redis gone: each answer comes at once (backing off) and starts the next.
  server.stop();
  const std::vector<Chained> offline = run_chain(4, "rl:predict:ip:192.0.2.10");
  for (std::size_t i = 0; i < offline.size(); ++i) {
    ASSERT_TRUE(offline[i].results.has_value()) << i;
    EXPECT_NE(offline[i].results->address->source, DecisionSource::store) << i;
  }
}

TEST_F(AsyncAdmissionStoreTest, DetachedWorkersUseTheBlockingStore) {
  RedisServer server;
  connect(server.port());
  async_->detach(0);
  Waiter waiter;
  fill(waiter, "rl:predict:ip:192.0.2.1", "", "", clock_.now());
  async_->run_async(0, waiter);
  ASSERT_TRUE(waiter.results.has_value());
  EXPECT_EQ(waiter.results->address->source, DecisionSource::store);
}

}  // namespace
}  // namespace smlapi::redis
