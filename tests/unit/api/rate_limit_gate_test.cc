// RateLimitGate: which policy and store key a check uses, and the exact
// RateLimit headers it adds (the header values are a compatibility contract,
// and they are now formatted in place instead of built as strings).
#include "api/rate_limit_gate.h"

#include "api/log.h"
#include "api/service_metrics.h"
#include "api/worker_state.h"
#include "model/model_registry.h"
#include "ratelimit/memory_store.h"

#include <gtest/gtest.h>

#include <chrono>
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
  model::ModelRegistry models_;  // no model: these tests score nothing
  ServiceMetrics metrics_;
  WorkerState worker_;
  std::shared_ptr<ratelimit::MemoryStore> store_;
  http::Response response_;
};

TEST_F(RateLimitGateTest, AddressChecksUseThePolicyAsNamedAndAnIpKey) {
  RateLimitGate limiter = gate();
  EXPECT_EQ(limiter.check(Route::predict, LimitedBy::address, "10.0.0.1", worker_, response_),
            LimitVerdict::allowed);
  EXPECT_EQ(worker_.limit_key, "rl:predict:ip:10.0.0.1");
  EXPECT_EQ(values_of(response_, "RateLimit-Policy"),
            std::vector<std::string>{"\"predict\";q=2;w=60"});
  EXPECT_EQ(values_of(response_, "RateLimit"), std::vector<std::string>{"\"predict\";r=0;t=30"});
  EXPECT_EQ(response_.status, 200u);
}

TEST_F(RateLimitGateTest, SubjectChecksUseTheUserPolicyAndASubKey) {
  RateLimitGate limiter = gate();
  ASSERT_EQ(limiter.check(Route::predict, LimitedBy::address, "10.0.0.1", worker_, response_),
            LimitVerdict::allowed);
  EXPECT_EQ(limiter.check(Route::predict, LimitedBy::subject, "alice", worker_, response_),
            LimitVerdict::allowed);
  EXPECT_EQ(worker_.limit_key, "rl:predict-user:sub:alice");
  EXPECT_EQ(values_of(response_, "RateLimit-Policy"),
            (std::vector<std::string>{"\"predict\";q=2;w=60", "\"predict-user\";q=2;w=60"}));
  EXPECT_EQ(values_of(response_, "RateLimit"),
            (std::vector<std::string>{"\"predict\";r=0;t=30", "\"predict-user\";r=0;t=30"}));
  EXPECT_EQ(store_->size(), 2u);  // the address and the subject are counted apart
}

TEST_F(RateLimitGateTest, AnExhaustedQuotaAnswers429WithRetryAfter) {
  RateLimitGate limiter = gate();
  ASSERT_EQ(limiter.check(Route::predict, LimitedBy::address, "10.0.0.2", worker_, response_),
            LimitVerdict::allowed);
  response_.clear();
  EXPECT_EQ(limiter.check(Route::predict, LimitedBy::address, "10.0.0.2", worker_, response_),
            LimitVerdict::limited);
  EXPECT_EQ(response_.status, 429u);
  ASSERT_EQ(values_of(response_, "RateLimit").size(), 1u);
  EXPECT_EQ(values_of(response_, "RateLimit")[0].rfind("\"predict\";r=0;t=", 0), 0u);
  EXPECT_EQ(values_of(response_, "Retry-After").size(), 1u);
}

TEST_F(RateLimitGateTest, DisabledLimitsAddNothing) {
  RateLimitGate limiter = gate(false);
  EXPECT_EQ(limiter.check(Route::predict, LimitedBy::address, "10.0.0.3", worker_, response_),
            LimitVerdict::allowed);
  EXPECT_TRUE(response_.headers().empty());
  EXPECT_EQ(store_->size(), 0u);
}

}  // namespace
}  // namespace smlapi::api
