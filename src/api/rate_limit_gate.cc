#include "api/rate_limit_gate.h"

#include "api/errors.h"
#include "api/worker_state.h"
#include "ratelimit/http_headers.h"

namespace smlapi::api {

namespace {
ratelimit::TimePoint steady_now() { return std::chrono::steady_clock::now(); }
}  // namespace

RateLimitGate::RateLimitGate(std::shared_ptr<ratelimit::Store> store, std::string store_name,
                             RateLimitPolicies policies, bool limits_enabled,
                             std::shared_ptr<RequestChecksStore> request_checks)
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
      throttle_(*store_, ratelimit::LoginThrottleConfig{}),
      request_checks_(std::move(request_checks)) {}

RateLimitGate::PreparedPolicy RateLimitGate::prepare(ratelimit::Policy policy, LimitedBy by) {
  if (by == LimitedBy::subject) policy.name.append("-user");
  std::string header = ratelimit::ratelimit_policy_value(policy);
  std::string key_prefix = "rl:" + policy.name + (by == LimitedBy::subject ? ":sub:" : ":ip:");
  return PreparedPolicy{std::move(policy), std::move(header), std::move(key_prefix)};
}

// The route table says which policy counts a route (LimitClass).
const RateLimitGate::PreparedPolicy& RateLimitGate::policy_for(Route route, bool by_subject) const {
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

LimitVerdict RateLimitGate::check(Route route, LimitedBy by, std::string_view identity,
                                  WorkerState& worker, http::Response& response) {
  if (!limits_enabled_) return LimitVerdict::allowed;
  const PreparedPolicy& prepared = policy_for(route, by == LimitedBy::subject);
  std::string& store_key = worker.limit_key;  // reused: no allocation once warm
  store_key.assign(prepared.key_prefix).append(identity);
  const ratelimit::TimePoint now = steady_now();
  ratelimit::Decision decision = store_->check(store_key, prepared.policy, now);
  // Only a shared store's latency is recorded: the in-process store skips the second clock read.
  const double seconds =
      shared_store_ ? std::chrono::duration<double>(steady_now() - now).count() : 0.0;
  return report(route, prepared, decision, seconds, worker, response);
}

CachedTokenChecks RateLimitGate::check_cached(Route route, std::string_view address,
                                              std::string_view jti,
                                              std::optional<std::string_view> subject,
                                              WorkerState& worker, http::Response& response) {
  const PreparedPolicy& by_address = policy_for(route, false);
  const PreparedPolicy& by_subject = policy_for(route, true);
  worker.limit_key.assign(by_address.key_prefix).append(address);
  worker.subject_limit_key.clear();
  if (subject.has_value()) worker.subject_limit_key.assign(by_subject.key_prefix).append(*subject);
  const ratelimit::TimePoint now = steady_now();
  RequestCheckResults results = request_checks_->run(
      worker.limit_key, by_address.policy, jti, worker.subject_limit_key, by_subject.policy, now);
  CachedTokenChecks checks;
  checks.store_seconds = std::chrono::duration<double>(steady_now() - now).count();
  checks.address =
      report(route, by_address, results.address, checks.store_seconds, worker, response);
  checks.revoked = std::move(results.revoked);
  checks.subject = results.subject;
  return checks;
}

CachedTokenChecks RateLimitGate::check_verified_token(Route route, std::string_view jti,
                                                      std::optional<std::string_view> subject,
                                                      WorkerState& worker) {
  const PreparedPolicy& by_subject = policy_for(route, true);
  worker.subject_limit_key.clear();
  if (subject.has_value()) worker.subject_limit_key.assign(by_subject.key_prefix).append(*subject);
  const ratelimit::TimePoint now = steady_now();
  TokenCheckResults results =
      request_checks_->run_token_checks(jti, worker.subject_limit_key, by_subject.policy, now);
  CachedTokenChecks checks;
  checks.store_seconds = std::chrono::duration<double>(steady_now() - now).count();
  checks.revoked = std::move(results.revoked);  // a copy would turn an error into "has a value"
  checks.subject = results.subject;
  return checks;
}

LimitVerdict RateLimitGate::report_subject(Route route, std::string_view subject,
                                           const CachedTokenChecks& checks, WorkerState& worker,
                                           http::Response& response) {
  if (!checks.subject.has_value())
    return check(route, LimitedBy::subject, subject, worker, response);
  // The step's latency is recorded once per limit decision it carried, so the latency
  // histogram keeps one observation per limit check, as with separate checks.
  return report(route, policy_for(route, true), *checks.subject, checks.store_seconds, worker,
                response);
}

LimitVerdict RateLimitGate::report(Route route, const PreparedPolicy& prepared,
                                   const ratelimit::Decision& decision, double store_seconds,
                                   WorkerState& worker, http::Response& response) {
  if (shared_store_) worker.metrics.store_latency(store_name_, store_seconds);
  if (decision.source != ratelimit::DecisionSource::store) worker.metrics.store_error(store_name_);
  if (decision.source == ratelimit::DecisionSource::store_unavailable) {
    set_error(response, ApiError::unavailable, "Rate limiting temporarily unavailable");
    response.add_header("Retry-After", ratelimit::retry_after_value(decision.retry_after));
    worker.metrics.shed("ratelimit_store");
    return LimitVerdict::unavailable;
  }
  response.add_header(ratelimit::kRateLimitPolicyHeader, prepared.header_value);
  ratelimit::append_ratelimit_value(response.add_header_value(ratelimit::kRateLimitHeader),
                                    prepared.policy, decision);
  if (decision.allowed) return LimitVerdict::allowed;
  set_error(response, ApiError::rate_limited, "Rate limit exceeded");
  response.add_header(ratelimit::kRetryAfterHeader,
                      ratelimit::retry_after_value(decision.retry_after));
  worker.metrics.rate_limited(route, prepared.policy.name);
  return LimitVerdict::limited;
}

std::optional<std::chrono::seconds> RateLimitGate::blocked(std::string_view account,
                                                           std::string_view address) {
  ratelimit::LoginVerdict verdict = throttle_.check(account, address, steady_now());
  if (verdict.allowed) return std::nullopt;
  return std::chrono::seconds(ratelimit::whole_seconds_ceil(verdict.retry_after));
}

void RateLimitGate::failed(std::string_view account, std::string_view address) {
  throttle_.record_failure(account, address, steady_now());
}

void RateLimitGate::succeeded(std::string_view account, std::string_view) {
  throttle_.record_success(account);
}

}  // namespace smlapi::api
