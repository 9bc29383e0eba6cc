// RateLimitGate's combined path (CachedTokenLimiter) over a scripted RequestChecksStore: the
// keys it sends, and that its answers are those of the separate checks on the same decisions.
#include "api/log.h"
#include "api/rate_limit_gate.h"
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

std::vector<std::string> header_lines(const http::Response& response) {
  std::vector<std::string> lines;
  for (const http::Header& header : response.headers()) {
    lines.push_back(std::string(header.name) + ": " + header.value);
  }
  return lines;
}

ratelimit::Decision decision(bool allowed, std::uint32_t remaining) {
  ratelimit::Decision d;
  d.allowed = allowed;
  d.remaining = remaining;
  d.reset_after = 30s;
  d.retry_after = allowed ? 0s : 30s;
  return d;
}

// Answers with what the test set and records what it was asked.
class ScriptedChecks final : public RequestChecksStore {
 public:
  RequestCheckResults run(std::string_view address_key, const ratelimit::Policy&,
                          std::string_view jti, std::string_view subject_key,
                          const ratelimit::Policy& subject_policy, ratelimit::TimePoint) override {
    keys = {std::string(address_key), std::string(jti), std::string(subject_key),
            subject_policy.name};
    return answer;
  }
  TokenCheckResults run_token_checks(std::string_view jti, std::string_view subject_key,
                                     const ratelimit::Policy&, ratelimit::TimePoint) override {
    keys = {"", std::string(jti), std::string(subject_key), ""};
    return TokenCheckResults{answer.revoked.value_or(false), answer.subject};
  }
  RequestCheckResults answer;
  std::vector<std::string> keys;
};

class CombinedChecksTest : public ::testing::Test {
 protected:
  CombinedChecksTest()
      : metrics_(1, BuildInfo{"test", "test"}),
        worker_(0, models_, sink_, false, metrics_.worker(0)),
        checks_(std::make_shared<ScriptedChecks>()) {
    policies_.predict_policy = {"predict", 2, 60s, 0};
  }

  RateLimitGate gate(std::shared_ptr<RequestChecksStore> checks, bool enabled = true) {
    return RateLimitGate(std::make_shared<ratelimit::MemoryStore>(), "redis", policies_, enabled,
                         std::move(checks));
  }

  LogSink sink_{-1};
  model::ModelRegistry models_;  // no model: these tests score nothing
  ServiceMetrics metrics_;
  WorkerState worker_;
  RateLimitPolicies policies_;
  std::shared_ptr<ScriptedChecks> checks_;
  http::Response response_;
};

TEST_F(CombinedChecksTest, OnlyAGateWithAStepAndLimitsOnCombines) {
  EXPECT_TRUE(gate(checks_).combines_checks());
  EXPECT_FALSE(gate(checks_, false).combines_checks());
  EXPECT_FALSE(gate(nullptr).combines_checks());
}

TEST_F(CombinedChecksTest, SendsTheKeysOfTheSeparateChecks) {
  RateLimitGate limiter = gate(checks_);
  checks_->answer = {decision(true, 0), false, decision(true, 0)};
  (void)limiter.check_cached(Route::predict, "10.0.0.1", "jti-1", "alice", worker_, response_);
  EXPECT_EQ(checks_->keys, (std::vector<std::string>{"rl:predict:ip:10.0.0.1", "jti-1",
                                                     "rl:predict-user:sub:alice", "predict-user"}));
  (void)limiter.check_cached(Route::predict, "10.0.0.1", "jti-1", std::nullopt, worker_, response_);
  EXPECT_EQ(checks_->keys[2], "") << "no scope: no subject key";
  (void)limiter.check_verified_token(Route::predict, "jti-2", "bob", worker_);
  EXPECT_EQ(checks_->keys[2], "rl:predict-user:sub:bob");
}

TEST_F(CombinedChecksTest, HeadersAreThoseOfTwoSeparateChecks) {
  RateLimitGate limiter = gate(checks_);
  checks_->answer = {decision(true, 1), false, decision(true, 0)};
  CachedTokenChecks checks =
      limiter.check_cached(Route::predict, "10.0.0.1", "jti-1", "alice", worker_, response_);
  ASSERT_EQ(checks.address, LimitVerdict::allowed);
  EXPECT_EQ(header_lines(response_),
            (std::vector<std::string>{"RateLimit-Policy: \"predict\";q=2;w=60",
                                      "RateLimit: \"predict\";r=1;t=30"}));
  EXPECT_EQ(limiter.report_subject(Route::predict, "alice", checks, worker_, response_),
            LimitVerdict::allowed);
  // Two RateLimit-Policy and two RateLimit fields, address first: as two separate checks.
  EXPECT_EQ(
      header_lines(response_),
      (std::vector<std::string>{
          "RateLimit-Policy: \"predict\";q=2;w=60", "RateLimit: \"predict\";r=1;t=30",
          "RateLimit-Policy: \"predict-user\";q=2;w=60", "RateLimit: \"predict-user\";r=0;t=30"}));
}

TEST_F(CombinedChecksTest, RefusedAddressAnswers429AndCarriesNoTokenVerdict) {
  RateLimitGate limiter = gate(checks_);
  checks_->answer = {decision(false, 0), std::nullopt, std::nullopt};
  CachedTokenChecks checks =
      limiter.check_cached(Route::predict, "10.0.0.1", "jti-1", "alice", worker_, response_);
  EXPECT_EQ(checks.address, LimitVerdict::limited);
  EXPECT_EQ(response_.status, 429u);
  EXPECT_FALSE(checks.revoked.has_value());
  EXPECT_FALSE(checks.subject.has_value());
}

TEST_F(CombinedChecksTest, AnUnreadableDenyListStaysAnError) {
  RateLimitGate limiter = gate(checks_);
  checks_->answer = {decision(true, 1), auth::RevocationError::unavailable, std::nullopt};
  CachedTokenChecks cached =
      limiter.check_cached(Route::predict, "10.0.0.1", "jti-1", "alice", worker_, response_);
  ASSERT_TRUE(cached.revoked.has_value());
  EXPECT_FALSE(cached.revoked->has_value());
  CachedTokenChecks fresh = limiter.check_verified_token(Route::predict, "jti-1", "alice", worker_);
  ASSERT_TRUE(fresh.revoked.has_value());
  EXPECT_FALSE(fresh.revoked->has_value());
}

TEST_F(CombinedChecksTest, StoreUnavailableAnswers503) {
  RateLimitGate limiter = gate(checks_);
  ratelimit::Decision down = decision(false, 0);
  down.source = ratelimit::DecisionSource::store_unavailable;
  checks_->answer = {down, std::nullopt, std::nullopt};
  CachedTokenChecks checks =
      limiter.check_cached(Route::predict, "10.0.0.1", "jti-1", "alice", worker_, response_);
  EXPECT_EQ(checks.address, LimitVerdict::unavailable);
  EXPECT_EQ(response_.status, 503u);
}

}  // namespace
}  // namespace smlapi::api
