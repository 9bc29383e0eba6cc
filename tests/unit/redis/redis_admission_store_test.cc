// RedisAdmissionStore (the address limit, deny-list read and subject limit of one admission
// step, one round trip) against a real redis-server: every branch leaves Redis and answers as
// the separate steps do.
#include "redis/redis_admission_store.h"

#include <signal.h>

#include <vector>

#include <gtest/gtest.h>
#include <hiredis/hiredis.h>

#include "../ratelimit/fake_clock.h"
#include "redis/connection.h"
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

// Long periods keep every assertion independent of the test's speed (see redis_store_test).
const Policy kAddress{"predict", 10, 3600s, 9};       // 10 in a row
const Policy kSubject{"predict-user", 10, 3600s, 4};  // 5 in a row
constexpr std::int64_t kNow = 1'900'000'000;          // deny-list entries expire after it
constexpr std::int64_t kDenyUntil = kNow + 600;

class RedisAdmissionStoreTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { signal(SIGPIPE, SIG_IGN); }

  void SetUp() override {
    if (!testing::redis_server_available()) {
      GTEST_SKIP() << testing::kRedisServerPath << " not installed";
    }
  }

  Config config_for(const RedisServer& server, FailureMode mode = FailureMode::fail_open) const {
    Config config;
    config.port = server.port();
    config.connections = 2;
    config.timeout = 500ms;
    config.connect_timeout = 500ms;
    config.failure_mode = mode;
    return config;
  }

  // The stores and the admission store over them, as the wiring builds them.
  void connect(const Config& config) {
    auto created = RedisStore::create(config, clock_);
    ASSERT_TRUE(created.has_value());
    store_ = std::move(*created);
    revocations_ = std::make_shared<RedisRevocationStore>(config, clock_);
    checks_.emplace(store_, revocations_);
  }

  // A cached token's step: address limit, deny-list, subject limit (none when `subject` is "").
  AdmissionResults run(std::string_view address, std::string_view jti, std::string_view subject) {
    AdmissionQuery query;
    query.address = LimitQuery{address, &kAddress};
    query.jti = jti;
    if (!subject.empty()) query.subject = LimitQuery{subject, &kSubject};
    query.now = clock_.now();
    query.unix_now = kNow;
    return checks_->run(query);
  }

  // A new token's step after its address limit: deny-list and subject limit.
  AdmissionResults run_token_checks(std::string_view jti, std::string_view subject) {
    AdmissionQuery query;
    query.jti = jti;
    if (!subject.empty()) query.subject = LimitQuery{subject, &kSubject};
    query.now = clock_.now();
    query.unix_now = kNow;
    return checks_->run(query);
  }

  long long raw(const RedisServer& server, std::initializer_list<std::string_view> args) {
    return testing::run_command(config_for(server), args);
  }

  FakeClock clock_;
  std::shared_ptr<RedisStore> store_;
  std::shared_ptr<RedisRevocationStore> revocations_;
  std::optional<RedisAdmissionStore> checks_;
};

TEST_F(RedisAdmissionStoreTest, CountsExactlyLikeTheSeparateSteps) {
  RedisServer server;
  ASSERT_TRUE(server.running());
  connect(config_for(server));
  for (int i = 0; i < 12; ++i) {
    SCOPED_TRACE(i);
    // Separate steps on one client, the combined script on another, same policies.
    const auto address = store_->check("rl:predict:ip:192.0.2.1", kAddress, clock_.now());
    std::optional<ratelimit::Decision> subject;
    if (address.allowed) {
      ASSERT_FALSE(testing::unwrap(revocations_->is_revoked("jti-a", kNow)));
      subject = store_->check("rl:predict-user:sub:alice", kSubject, clock_.now());
    }
    const auto combined = run("rl:predict:ip:192.0.2.2", "jti-b", "rl:predict-user:sub:bob");
    EXPECT_EQ(combined.address->source, DecisionSource::store);
    EXPECT_EQ(combined.address->allowed, address.allowed);
    EXPECT_EQ(combined.address->remaining, address.remaining);
    EXPECT_EQ(combined.address->retry_after > 0us, address.retry_after > 0us);
    EXPECT_EQ(combined.listing.has_value(), address.allowed);
    ASSERT_EQ(combined.subject.has_value(), subject.has_value());
    if (subject.has_value()) {
      EXPECT_EQ(*combined.listing, Listing::absent);
      EXPECT_EQ(combined.subject->allowed, subject->allowed);
      EXPECT_EQ(combined.subject->remaining, subject->remaining);
      EXPECT_EQ(combined.subject->source, DecisionSource::store);
    }
  }
}

TEST_F(RedisAdmissionStoreTest, KeysAndTimeToLiveAreThoseOfTheSeparateSteps) {
  RedisServer server;
  ASSERT_TRUE(server.running());
  connect(config_for(server));
  const auto results = run("rl:predict:ip:192.0.2.1", "jti-1", "rl:predict-user:sub:alice");
  ASSERT_TRUE(results.subject.has_value());
  for (const char* key : {"smlapi:rl:predict:ip:192.0.2.1", "smlapi:rl:predict-user:sub:alice"}) {
    SCOPED_TRACE(key);
    EXPECT_EQ(raw(server, {"EXISTS", key}), 1);
    const long long ttl = raw(server, {"PTTL", key});
    EXPECT_GT(ttl, 0) << "the key must expire";
    EXPECT_LE(ttl, 360'000) << "TTL = time until the TAT is reached (one interval)";
  }
  EXPECT_EQ(raw(server, {"DBSIZE"}), 2) << "the deny-list is only read";
}

// The event-loop store sends the steps of many requests as one batch: each key once, and the
// key left as the last of the separate steps would leave it.
TEST_F(RedisAdmissionStoreTest, ABatchSendsEachKeyOnceAndLeavesTheLastStepsTimeToLive) {
  RedisServer server;
  ASSERT_TRUE(server.running());
  connect(config_for(server));
  AdmissionBatch batch(*store_, *revocations_, checks_->scripts().steps);
  std::vector<AdmissionQuery> queries(4);
  for (std::size_t i = 0; i < queries.size(); ++i) {
    queries[i].address =
        LimitQuery{i < 3 ? "rl:predict:ip:192.0.2.1" : "rl:predict:ip:192.0.2.2", &kAddress};
    queries[i].jti = "jti-1";
    queries[i].subject = LimitQuery{"rl:predict-user:sub:alice", &kSubject};
    batch.add(queries[i]);
  }
  const auto keys = batch.keys();
  ASSERT_EQ(keys.size(), 4u);
  EXPECT_EQ(keys[0], "smlapi:rl:predict:ip:192.0.2.1");
  EXPECT_EQ(keys[1], revocations_->redis_key("jti-1"));
  EXPECT_EQ(keys[2], "smlapi:rl:predict-user:sub:alice");
  EXPECT_EQ(keys[3], "smlapi:rl:predict:ip:192.0.2.2");
  // Five bytes per request (its keys' and policies' indexes), then each policy's interval in µs
  // and burst once.
  const auto args = batch.args();
  ASSERT_EQ(args.size(), 1u + 2u * 2u);
  const std::string_view steps = args[0];
  ASSERT_EQ(steps.size(), 4u * 5u);
  EXPECT_EQ(steps.substr(2 * 5, 5),
            std::string_view("\1\2\3\1\2", 5));  // names the first key again
  EXPECT_EQ(steps.substr(3 * 5, 5), std::string_view("\4\2\3\1\2", 5));
  EXPECT_EQ(args[1], "360000000");
  EXPECT_EQ(args[2], "9");
  EXPECT_EQ(args[3], "360000000");
  EXPECT_EQ(args[4], "4");

  const auto reply = checks_->scripts().steps.run(store_->pool(), keys, args);
  ASSERT_TRUE(reply.has_value());
  for (std::size_t i = 0; i < queries.size(); ++i) {
    const auto results = AdmissionBatch::read(**reply, queries.size(), i, queries[i]);
    ASSERT_TRUE(results.has_value()) << i;
    EXPECT_EQ(results->address->remaining, i < 3 ? 9 - i : 9) << i;
    EXPECT_EQ(results->subject->remaining, 4 - i) << i;
  }
  EXPECT_FALSE(AdmissionBatch::read(**reply, queries.size(), queries.size(), queries[0]));
  EXPECT_FALSE(AdmissionBatch::read(**reply, queries.size() + 1, 0, queries[0]));
  // Three intervals of one hour spent on the first address: it expires in 2-3 hours.
  const long long ttl = raw(server, {"PTTL", "smlapi:rl:predict:ip:192.0.2.1"});
  EXPECT_GT(ttl, 2 * 3'600'000 / 10);
  EXPECT_LE(ttl, 3 * 3'600'000 / 10);
  EXPECT_EQ(raw(server, {"DBSIZE"}), 3) << "the deny-list is only read";
}

TEST_F(RedisAdmissionStoreTest, RefusedAddressReadsAndWritesNothingElse) {
  RedisServer server;
  ASSERT_TRUE(server.running());
  connect(config_for(server));
  for (int i = 0; i < 10; ++i) {
    ASSERT_TRUE(store_->check("rl:predict:ip:192.0.2.1", kAddress, clock_.now()).allowed);
  }
  ASSERT_TRUE(revocations_->revoke("jti-1", kDenyUntil, kNow).has_value());
  const auto results = run("rl:predict:ip:192.0.2.1", "jti-1", "rl:predict-user:sub:alice");
  EXPECT_FALSE(results.address->allowed);
  EXPECT_EQ(results.address->source, DecisionSource::store);
  EXPECT_GT(results.address->retry_after, 0us);
  EXPECT_FALSE(results.listing.has_value()) << "deny-list not read";
  EXPECT_FALSE(results.subject.has_value());
  EXPECT_EQ(raw(server, {"EXISTS", "smlapi:rl:predict-user:sub:alice"}), 0);
}

TEST_F(RedisAdmissionStoreTest, RevokedTokenLeavesTheSubjectKeyAbsent) {
  RedisServer server;
  ASSERT_TRUE(server.running());
  connect(config_for(server));
  ASSERT_TRUE(revocations_->revoke("jti-1", kDenyUntil, kNow).has_value());
  const auto results = run("rl:predict:ip:192.0.2.1", "jti-1", "rl:predict-user:sub:alice");
  EXPECT_TRUE(results.address->allowed);
  EXPECT_EQ(results.listing, Listing::listed);
  EXPECT_FALSE(results.subject.has_value());
  EXPECT_EQ(raw(server, {"EXISTS", "smlapi:rl:predict:ip:192.0.2.1"}), 1) << "address counted";
  EXPECT_EQ(raw(server, {"EXISTS", "smlapi:rl:predict-user:sub:alice"}), 0);
}

TEST_F(RedisAdmissionStoreTest, WithoutASubjectKeyOnlyTheDenyListIsRead) {
  RedisServer server;
  ASSERT_TRUE(server.running());
  connect(config_for(server));
  const auto results = run("rl:predict:ip:192.0.2.1", "jti-1", "");
  EXPECT_TRUE(results.address->allowed);
  EXPECT_EQ(results.listing, Listing::absent);
  EXPECT_FALSE(results.subject.has_value());
  EXPECT_EQ(raw(server, {"DBSIZE"}), 1);
}

TEST_F(RedisAdmissionStoreTest, SubjectLimitRefusesOnceItsBurstIsSpent) {
  RedisServer server;
  ASSERT_TRUE(server.running());
  connect(config_for(server));
  for (int i = 0; i < 5; ++i) {
    ASSERT_TRUE(
        run("rl:predict:ip:192.0.2.1", "jti-1", "rl:predict-user:sub:alice").subject->allowed);
  }
  const auto results = run("rl:predict:ip:192.0.2.9", "jti-1", "rl:predict-user:sub:alice");
  ASSERT_TRUE(results.subject.has_value());
  EXPECT_FALSE(results.subject->allowed);
  EXPECT_EQ(results.subject->remaining, 0u);
  EXPECT_GT(results.subject->retry_after, 0us);
}

TEST_F(RedisAdmissionStoreTest, ScriptCacheFlushFallsBackToEval) {
  RedisServer server;
  ASSERT_TRUE(server.running());
  connect(config_for(server));
  ASSERT_TRUE(run("rl:predict:ip:192.0.2.1", "jti-1", "rl:predict-user:sub:alice").subject);
  raw(server, {"SCRIPT", "FLUSH"});
  const auto results = run("rl:predict:ip:192.0.2.1", "jti-1", "rl:predict-user:sub:alice");
  EXPECT_EQ(results.address->source, DecisionSource::store);
  EXPECT_EQ(results.address->remaining, 8u);
  ASSERT_TRUE(results.subject.has_value());
  EXPECT_EQ(results.subject->source, DecisionSource::store);
  EXPECT_EQ(results.subject->remaining, 3u);
}

TEST_F(RedisAdmissionStoreTest, FailOpenDegradesLikeTheSeparateSteps) {
  RedisServer server;
  ASSERT_TRUE(server.running());
  connect(config_for(server, FailureMode::fail_open));
  ASSERT_EQ(run("rl:predict:ip:192.0.2.1", "jti-1", "rl:predict-user:sub:alice").address->source,
            DecisionSource::store);
  server.stop();  // killed between two requests
  const auto results = run("rl:predict:ip:192.0.2.1", "jti-1", "rl:predict-user:sub:alice");
  EXPECT_TRUE(results.address->allowed);
  EXPECT_EQ(results.address->source, DecisionSource::fallback);
  EXPECT_EQ(results.listing, Listing::unknown) << "deny-list unreadable";
  ASSERT_TRUE(results.subject.has_value()) << "fail-open accepts an unreadable deny-list";
  EXPECT_EQ(results.subject->source, DecisionSource::fallback);
  EXPECT_EQ(store_->errors(), 2u) << "address and subject, as two failed checks";
  EXPECT_EQ(revocations_->errors(), 1u);

  // The fallback counts like RedisStore's own: the subject's local burst (4 / 1 replica + 1).
  int allowed = 1;
  for (int i = 0; i < 10; ++i) {
    const auto next = run("rl:predict:ip:192.0.2.1", "jti-1", "rl:predict-user:sub:alice");
    if (next.subject.has_value() && next.subject->allowed) ++allowed;
  }
  EXPECT_EQ(allowed, 5);

  ASSERT_TRUE(server.start());
  clock_.advance(10s);  // past the reconnect back-off
  EXPECT_EQ(run("rl:predict:ip:192.0.2.1", "jti-1", "rl:predict-user:sub:alice").address->source,
            DecisionSource::store);
}

TEST_F(RedisAdmissionStoreTest, FailClosedStopsAtTheAddress) {
  RedisServer server;
  ASSERT_TRUE(server.running());
  Config config = config_for(server, FailureMode::fail_closed);
  config.unavailable_retry_after = 2s;
  connect(config);
  server.stop();
  const auto results = run("rl:predict:ip:192.0.2.1", "jti-1", "rl:predict-user:sub:alice");
  EXPECT_FALSE(results.address->allowed);
  EXPECT_EQ(results.address->source, DecisionSource::store_unavailable);
  EXPECT_EQ(results.address->retry_after, 2s);
  EXPECT_FALSE(results.listing.has_value());
  EXPECT_FALSE(results.subject.has_value());
  EXPECT_EQ(store_->errors(), 1u);
  EXPECT_EQ(revocations_->errors(), 0u);
}

// ---- the token part alone (a token verified just now; its address limit ran before) ----------

TEST_F(RedisAdmissionStoreTest, TokenChecksLimitTheSubjectOfAValidToken) {
  RedisServer server;
  ASSERT_TRUE(server.running());
  connect(config_for(server));
  for (int i = 0; i < 5; ++i) {
    const auto results = run_token_checks("jti-1", "rl:predict-user:sub:alice");
    EXPECT_EQ(results.listing, Listing::absent);
    ASSERT_TRUE(results.subject.has_value());
    EXPECT_TRUE(results.subject->allowed);
    EXPECT_EQ(results.subject->remaining, static_cast<std::uint32_t>(4 - i));
  }
  const auto refused = run_token_checks("jti-1", "rl:predict-user:sub:alice");
  ASSERT_TRUE(refused.subject.has_value());
  EXPECT_FALSE(refused.subject->allowed);
  const long long ttl = raw(server, {"PTTL", "smlapi:rl:predict-user:sub:alice"});
  EXPECT_GT(ttl, 0);
  EXPECT_EQ(raw(server, {"DBSIZE"}), 1);
}

TEST_F(RedisAdmissionStoreTest, TokenChecksOfARevokedTokenLeaveTheSubjectKeyAbsent) {
  RedisServer server;
  ASSERT_TRUE(server.running());
  connect(config_for(server));
  ASSERT_TRUE(revocations_->revoke("jti-1", kDenyUntil, kNow).has_value());
  const auto results = run_token_checks("jti-1", "rl:predict-user:sub:alice");
  EXPECT_EQ(results.listing, Listing::listed);
  EXPECT_FALSE(results.subject.has_value());
  EXPECT_EQ(raw(server, {"EXISTS", "smlapi:rl:predict-user:sub:alice"}), 0);
  const auto unscoped = run_token_checks("jti-2", "");
  EXPECT_EQ(unscoped.listing, Listing::absent);
  EXPECT_FALSE(unscoped.subject.has_value());
}

TEST_F(RedisAdmissionStoreTest, TokenChecksSurviveAScriptFlushAndDegradeWhenRedisIsDown) {
  RedisServer server;
  ASSERT_TRUE(server.running());
  connect(config_for(server, FailureMode::fail_open));
  ASSERT_TRUE(run_token_checks("jti-1", "rl:s").subject);
  raw(server, {"SCRIPT", "FLUSH"});
  const auto flushed = run_token_checks("jti-1", "rl:s");
  ASSERT_TRUE(flushed.subject.has_value());
  EXPECT_EQ(flushed.subject->source, DecisionSource::store);
  EXPECT_EQ(flushed.subject->remaining, 3u);
  server.stop();
  const auto down = run_token_checks("jti-1", "rl:s");
  EXPECT_EQ(down.listing, Listing::unknown);
  ASSERT_TRUE(down.subject.has_value());
  EXPECT_EQ(down.subject->source, DecisionSource::fallback);
  EXPECT_EQ(revocations_->errors(), 1u);
  EXPECT_EQ(store_->errors(), 1u);
}

TEST_F(RedisAdmissionStoreTest, TokenChecksFailClosedLeaveTheSubjectUnchecked) {
  RedisServer server;
  ASSERT_TRUE(server.running());
  connect(config_for(server, FailureMode::fail_closed));
  server.stop();
  const auto down = run_token_checks("jti-1", "rl:s");
  EXPECT_EQ(down.listing, Listing::unknown) << "the API answers 503 (deny-list unavailable)";
  EXPECT_FALSE(down.subject.has_value());
  EXPECT_EQ(store_->errors(), 0u);
}

// ---- the other shapes of a step ---------------------------------------------------------------

TEST_F(RedisAdmissionStoreTest, AnAddressAloneIsOneLimitCheck) {
  RedisServer server;
  ASSERT_TRUE(server.running());
  connect(config_for(server));
  AdmissionQuery query;
  query.address = LimitQuery{"rl:default:ip:192.0.2.1", &kAddress};
  query.now = clock_.now();
  const auto results = checks_->run(query);
  ASSERT_TRUE(results.address.has_value());
  EXPECT_TRUE(results.address->allowed);
  EXPECT_EQ(results.address->remaining, 9u);
  EXPECT_FALSE(results.listing.has_value());
  EXPECT_FALSE(results.subject.has_value());
  EXPECT_EQ(raw(server, {"DBSIZE"}), 1);
}

TEST_F(RedisAdmissionStoreTest, WithLimitsOffOnlyTheDenyListIsRead) {
  RedisServer server;
  ASSERT_TRUE(server.running());
  connect(config_for(server));
  ASSERT_TRUE(revocations_->revoke("jti-revoked", kDenyUntil, kNow).has_value());
  AdmissionQuery query;
  query.now = clock_.now();
  query.unix_now = kNow;
  query.jti = "jti-revoked";
  EXPECT_EQ(checks_->run(query).listing, Listing::listed);
  query.jti = "jti-fine";
  const auto fine = checks_->run(query);
  EXPECT_EQ(fine.listing, Listing::absent);
  EXPECT_FALSE(fine.address.has_value());
  EXPECT_FALSE(fine.subject.has_value());
  EXPECT_EQ(raw(server, {"DBSIZE"}), 1) << "only the deny-list entry";
}

TEST_F(RedisAdmissionStoreTest, AnEmptyQueryAnswersNothingAndTouchesNothing) {
  RedisServer server;
  ASSERT_TRUE(server.running());
  connect(config_for(server));
  const auto results = checks_->run(AdmissionQuery{});
  EXPECT_FALSE(results.address.has_value());
  EXPECT_FALSE(results.listing.has_value());
  EXPECT_FALSE(results.subject.has_value());
  EXPECT_EQ(raw(server, {"DBSIZE"}), 0);
  EXPECT_EQ(store_->errors(), 0u);
}

}  // namespace
}  // namespace smlapi::redis
