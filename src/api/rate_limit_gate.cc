#include "api/rate_limit_gate.h"

#include "api/errors.h"
#include "api/worker_state.h"
#include "net/ip_address.h"
#include "ratelimit/http_headers.h"

namespace smlapi::api {

RateLimitGate::RateLimitGate(std::shared_ptr<ratelimit::Store> store, std::string store_name,
                             RateLimitPolicies policies, bool limits_enabled,
                             std::shared_ptr<const Clock> clock)
    : store_(std::move(store)),
      store_name_(std::move(store_name)),
      shared_store_(store_name_ != "memory"),
      default_(prepare(policies.default_policy, LimitedBy::address)),
      token_(prepare(policies.token_policy, LimitedBy::address)),
      predict_(prepare(policies.predict_policy, LimitedBy::address)),
      default_user_(prepare(policies.default_policy, LimitedBy::subject)),
      token_user_(prepare(policies.token_policy, LimitedBy::subject)),
      predict_user_(prepare(policies.predict_policy, LimitedBy::subject)),
      limits_enabled_(limits_enabled),
      clock_(std::move(clock)),
      throttle_(*store_, ratelimit::LoginThrottleConfig{}) {}

RateLimitGate::PreparedPolicy RateLimitGate::prepare(ratelimit::Policy policy, LimitedBy by) {
  if (by == LimitedBy::subject) policy.name.append("-user");
  std::string header = ratelimit::ratelimit_policy_value(policy);
  std::string key_prefix = "rl:" + policy.name + (by == LimitedBy::subject ? ":sub:" : ":ip:");
  return PreparedPolicy{std::move(policy), std::move(header), std::move(key_prefix)};
}

// The route table says which policy counts a route (LimitClass).
const RateLimitGate::PreparedPolicy& RateLimitGate::policy_for(Route route, LimitedBy by) const {
  const bool by_subject = by == LimitedBy::subject;
  switch (route_info(route).limit) {
    case LimitClass::token:
      return by_subject ? token_user_ : token_;
    case LimitClass::predict:
      return by_subject ? predict_user_ : predict_;
    case LimitClass::standard:
    case LimitClass::unlimited:
      break;
  }
  return by_subject ? default_user_ : default_;
}

ratelimit::LimitQuery RateLimitGate::query(Route route, LimitedBy by, std::string_view identity,
                                           std::string& key) const {
  const PreparedPolicy& prepared = policy_for(route, by);
  key.assign(prepared.key_prefix).append(identity);  // reused: no allocation once warm
  return ratelimit::LimitQuery{key, &prepared.policy};
}

std::shared_ptr<const PlanPolicies> RateLimitGate::prepare_plans(const auth::CredentialStore& store,
                                                                 std::uint64_t generation) const {
  auto plans = std::make_shared<PlanPolicies>(generation);
  const auto name_of = [this](LimitClass limit) -> std::string_view {
    switch (limit) {
      case LimitClass::token:
        return token_user_.policy.name;
      case LimitClass::predict:
        return predict_user_.policy.name;
      case LimitClass::standard:
      case LimitClass::unlimited:
        break;
    }
    return default_user_.policy.name;
  };
  for (const auto& [name, plan] : store.plans()) {
    plans->add(name, plan.requests_per_minute, plan.burst, name_of);
  }
  return plans;
}

LimitVerdict RateLimitGate::report(Route route, LimitedBy by, const ratelimit::Decision& decision,
                                   double store_seconds, WorkerState& worker,
                                   http::Response& response, const PlanPolicy* plan) {
  const PreparedPolicy& route_policy = policy_for(route, by);
  const ratelimit::Policy& policy = plan != nullptr ? plan->policy : route_policy.policy;
  const std::string& policy_header =
      plan != nullptr ? plan->header_value : route_policy.header_value;
  if (shared_store_) worker.metrics.store_latency(store_name_, store_seconds);
  if (decision.source != ratelimit::DecisionSource::store) worker.metrics.store_error(store_name_);
  if (decision.source == ratelimit::DecisionSource::store_unavailable) {
    set_error(response, ApiError::unavailable, "Rate limiting temporarily unavailable");
    response.add_header("Retry-After", ratelimit::retry_after_value(decision.retry_after));
    worker.metrics.shed("ratelimit_store");
    return LimitVerdict::unavailable;
  }
  response.add_header(ratelimit::kRateLimitPolicyHeader, policy_header);
  ratelimit::append_ratelimit_value(response.add_header_value(ratelimit::kRateLimitHeader), policy,
                                    decision);
  if (decision.allowed) return LimitVerdict::allowed;
  set_error(response, ApiError::rate_limited, "Rate limit exceeded");
  response.add_header(ratelimit::kRetryAfterHeader,
                      ratelimit::retry_after_value(decision.retry_after));
  worker.metrics.rate_limited(route, policy.name);
  return LimitVerdict::limited;
}

namespace {

// The login defences key a caller exactly as the per-address limit does (IPv6 per /64), so
// rotating addresses inside one /64 resets neither.
std::string_view login_source(std::string_view address, std::string& bucket) {
  return net::source_key(address, bucket);
}

}  // namespace

std::optional<std::chrono::seconds> RateLimitGate::blocked(std::string_view account,
                                                           std::string_view address) {
  std::string bucket;
  const std::string_view source = login_source(address, bucket);
  const ratelimit::TimePoint now = clock_->steady();
  const bool known = recent_logins_.known(account, source, now);
  ratelimit::LoginVerdict verdict = throttle_.check(account, source, known, now);
  if (verdict.allowed) return std::nullopt;
  return std::chrono::seconds(ratelimit::whole_seconds_ceil(verdict.retry_after));
}

LoginSource RateLimitGate::source(std::string_view account, std::string_view address) {
  std::string bucket;
  LoginSource result{std::string(login_source(address, bucket)), false};
  result.known = recent_logins_.known(account, result.key, clock_->steady());
  return result;
}

void RateLimitGate::failed(std::string_view account, std::string_view address) {
  std::string bucket;
  throttle_.record_failure(account, login_source(address, bucket), clock_->steady());
}

void RateLimitGate::succeeded(std::string_view account, std::string_view address) {
  std::string bucket;
  const std::string_view source = login_source(address, bucket);
  throttle_.record_success(account, source);
  recent_logins_.remember(account, source, clock_->steady());
}

}  // namespace smlapi::api
