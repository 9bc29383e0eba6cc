// RateLimitGate: which policy and store key a check uses, and the exact RateLimit headers and
// refusals a decision adds (the header values are a compatibility contract).
#include "api/rate_limit_gate.h"

#include "api/log.h"
#include "api/service_metrics.h"
#include "api/worker_state.h"
#include "model/model_registry.h"
#include "ratelimit/memory_store.h"

#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

namespace smlapi::api {
namespace {

using namespace std::chrono_literals;

std::vector<std::string> values_of(const http::Response& response, std::string_view name) {
  std::vector<std::string> values;
  for (const http::Header& header : response.headers()) {
    if (header.name == name) values.push_back(header.value);
  }
  return values;
}

class RateLimitGateTest : public ::testing::Test {
 protected:
  RateLimitGateTest()
      : metrics_(1, BuildInfo{"test", "test"}),
        worker_(0, models_, sink_, false, metrics_.worker(0)),
        store_(std::make_shared<ratelimit::MemoryStore>()) {}

  // 2 a minute without burst: one emission interval is 30 s, so the first
  // request leaves r=0 and a full quota 30 s away, whatever the clock says.
  RateLimitGate gate(bool enabled = true) {
    RateLimitPolicies policies;
    policies.predict_policy = {"predict", 2, 60s, 0};
    return RateLimitGate(store_, "memory", policies, enabled);
  }

  LogSink sink_{-1};
  ModelsSource models_{std::make_shared<const model::ModelRegistry>()};  // nothing is scored
  ServiceMetrics metrics_;
  WorkerState worker_;
  std::shared_ptr<ratelimit::MemoryStore> store_;
  http::Response response_;
};

// The decision one check of `route` gets from the in-process store, reported as admission
// reports it; `key` receives the store key.
LimitVerdict check(RateLimitGate& gate, ratelimit::MemoryStore& store, Route route, LimitedBy by,
                   std::string_view identity, std::string& key, WorkerState& worker,
                   http::Response& response) {
  const ratelimit::LimitQuery query = gate.query(route, by, identity, key);
  const ratelimit::Decision decision =
      store.check(query.key, *query.policy, std::chrono::steady_clock::now());
  return gate.report(route, by, decision, 0.0, worker, response);
}

TEST_F(RateLimitGateTest, AddressChecksUseThePolicyAsNamedAndAnIpKey) {
  RateLimitGate limiter = gate();
  std::string key;
  EXPECT_EQ(check(limiter, *store_, Route::predict, LimitedBy::address, "10.0.0.1", key, worker_,
                  response_),
            LimitVerdict::allowed);
  EXPECT_EQ(key, "rl:predict:ip:10.0.0.1");
  EXPECT_EQ(values_of(response_, "RateLimit-Policy"),
            std::vector<std::string>{"\"predict\";q=2;w=60"});
  EXPECT_EQ(values_of(response_, "RateLimit"), std::vector<std::string>{"\"predict\";r=0;t=30"});
  EXPECT_EQ(response_.status, 200u);
}

TEST_F(RateLimitGateTest, SubjectChecksUseTheUserPolicyAndASubKey) {
  RateLimitGate limiter = gate();
  std::string key;
  ASSERT_EQ(check(limiter, *store_, Route::predict, LimitedBy::address, "10.0.0.1", key, worker_,
                  response_),
            LimitVerdict::allowed);
  EXPECT_EQ(
      check(limiter, *store_, Route::predict, LimitedBy::subject, "alice", key, worker_, response_),
      LimitVerdict::allowed);
  EXPECT_EQ(key, "rl:predict-user:sub:alice");
  EXPECT_EQ(values_of(response_, "RateLimit-Policy"),
            (std::vector<std::string>{"\"predict\";q=2;w=60", "\"predict-user\";q=2;w=60"}));
  EXPECT_EQ(values_of(response_, "RateLimit"),
            (std::vector<std::string>{"\"predict\";r=0;t=30", "\"predict-user\";r=0;t=30"}));
  EXPECT_EQ(store_->size(), 2u);  // the address and the subject are counted apart
}

TEST_F(RateLimitGateTest, EachRouteIsCountedByItsLimitClass) {
  RateLimitGate limiter = gate();
  std::string key;
  EXPECT_EQ(limiter.query(Route::token, LimitedBy::address, "a", key).policy->name, "token");
  EXPECT_EQ(key, "rl:token:ip:a");
  (void)limiter.query(Route::v2_infer, LimitedBy::subject, "s", key);
  EXPECT_EQ(key, "rl:predict-user:sub:s");
  (void)limiter.query(Route::jwks, LimitedBy::address, "a", key);
  EXPECT_EQ(key, "rl:default:ip:a");
}

TEST_F(RateLimitGateTest, AnExhaustedQuotaAnswers429WithRetryAfter) {
  RateLimitGate limiter = gate();
  std::string key;
  ASSERT_EQ(check(limiter, *store_, Route::predict, LimitedBy::address, "10.0.0.2", key, worker_,
                  response_),
            LimitVerdict::allowed);
  response_.clear();
  EXPECT_EQ(check(limiter, *store_, Route::predict, LimitedBy::address, "10.0.0.2", key, worker_,
                  response_),
            LimitVerdict::limited);
  EXPECT_EQ(response_.status, 429u);
  ASSERT_EQ(values_of(response_, "RateLimit").size(), 1u);
  EXPECT_EQ(values_of(response_, "RateLimit")[0].rfind("\"predict\";r=0;t=", 0), 0u);
  EXPECT_EQ(values_of(response_, "Retry-After").size(), 1u);
}

TEST_F(RateLimitGateTest, AnUnavailableStoreAnswers503WithoutRateLimitHeaders) {
  RateLimitGate limiter = gate();
  ratelimit::Decision down;
  down.source = ratelimit::DecisionSource::store_unavailable;
  down.retry_after = 2s;
  EXPECT_EQ(limiter.report(Route::predict, LimitedBy::address, down, 0.0, worker_, response_),
            LimitVerdict::unavailable);
  EXPECT_EQ(response_.status, 503u);
  EXPECT_EQ(values_of(response_, "Retry-After"), std::vector<std::string>{"2"});
  EXPECT_TRUE(values_of(response_, "RateLimit").empty());
}

// ---- the /token brute-force defence (LoginGuard) ----------------------------------------------

std::string hex(int value) {
  char text[8];
  std::snprintf(text, sizeof text, "%x", value);
  return text;
}

TEST_F(RateLimitGateTest, LoginFailuresCountPerSourceKeyedLikeTheLimiter) {
  RateLimitGate guard = gate();
  // 25 accounts from 25 addresses of one /64: one source (a 32 s lock-out by now).
  for (int i = 1; i <= 25; ++i) guard.failed("user" + std::to_string(i), "2001:db8:1:2::" + hex(i));
  EXPECT_TRUE(guard.blocked("someone", "2001:db8:1:2::ffff")) << "same /64, new address";
  EXPECT_FALSE(guard.blocked("someone", "2001:db8:1:3::1")) << "another /64";
}

TEST_F(RateLimitGateTest, LoginLockOutIsPerAccountAndSource) {
  RateLimitGate guard = gate();
  for (int i = 0; i < 10; ++i) guard.failed("alice", "192.0.2.1");
  EXPECT_TRUE(guard.blocked("alice", "192.0.2.1"));
  EXPECT_FALSE(guard.blocked("alice", "198.51.100.7")) << "the owner elsewhere is not locked";
  EXPECT_FALSE(guard.blocked("bob", "192.0.2.1")) << "nor other accounts from the source";
}

TEST_F(RateLimitGateTest, ASuccessfulLoginMakesThePairKnown) {
  RateLimitGate guard = gate();
  EXPECT_FALSE(guard.source("alice", "2001:db8::1").known);
  guard.succeeded("alice", "2001:db8::1");
  const LoginSource same_64 = guard.source("alice", "2001:db8::2");
  EXPECT_TRUE(same_64.known);
  EXPECT_EQ(same_64.key, "2001:db8::/64");
  EXPECT_FALSE(guard.source("bob", "2001:db8::1").known) << "per account";
  EXPECT_FALSE(guard.source("alice", "192.0.2.1").known) << "per source";
}

}  // namespace
}  // namespace smlapi::api
