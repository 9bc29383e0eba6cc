// Rate limits and the /token brute-force defence of the API over one
// smlapi_ratelimit Store (in-process or Redis). Each route has one policy:
// "token" for the OAuth endpoints, "predict" for inference, "default" for the
// rest (the reference design's 10, 30 and 60 a minute).
#pragma once

#include "api/cached_token_limiter.h"
#include "api/login_guard.h"
#include "api/request_checks_store.h"
#include "api/request_limiter.h"
#include "ratelimit/login_throttle.h"
#include "ratelimit/policy.h"
#include "ratelimit/store.h"

#include <memory>
#include <string>

namespace smlapi::api {

struct RateLimitPolicies {
  ratelimit::Policy default_policy{"default", 60, std::chrono::seconds(60), 20};
  ratelimit::Policy token_policy{"token", 10, std::chrono::seconds(60), 5};
  ratelimit::Policy predict_policy{"predict", 30, std::chrono::seconds(60), 10};
};

class RateLimitGate final : public RequestLimiter, public CachedTokenLimiter, public LoginGuard {
 public:
  // `limits_enabled` false keeps only the brute-force defence. `request_checks` (Redis only;
  // may be null) runs the three checks of a cached-token request in one step; it must work on
  // the same keys as `store`.
  RateLimitGate(std::shared_ptr<ratelimit::Store> store, std::string store_name,
                RateLimitPolicies policies, bool limits_enabled,
                std::shared_ptr<RequestChecksStore> request_checks = nullptr);

  LimitVerdict check(Route route, LimitedBy by, std::string_view identity, WorkerState& worker,
                     http::Response& response) override;

  // Only usable when combines_checks().
  CachedTokenChecks check_cached(Route route, std::string_view address, std::string_view jti,
                                 std::optional<std::string_view> subject, WorkerState& worker,
                                 http::Response& response) override;
  CachedTokenChecks check_verified_token(Route route, std::string_view jti,
                                         std::optional<std::string_view> subject,
                                         WorkerState& worker) override;
  LimitVerdict report_subject(Route route, std::string_view subject,
                              const CachedTokenChecks& checks, WorkerState& worker,
                              http::Response& response) override;
  bool combines_checks() const override { return limits_enabled_ && request_checks_ != nullptr; }

  std::optional<std::chrono::seconds> blocked(std::string_view account,
                                              std::string_view address) override;
  void failed(std::string_view account, std::string_view address) override;
  void succeeded(std::string_view account, std::string_view address) override;

  bool limits_enabled() const { return limits_enabled_; }

 private:
  // Everything about a policy that does not change per request, formatted once.
  struct PreparedPolicy {
    ratelimit::Policy policy;
    std::string header_value;  // RateLimit-Policy
    std::string key_prefix;    // store key up to the identity: "rl:<name>:ip:" or ":sub:"
  };
  // Per-address checks use the policy as named; per-subject checks the same
  // numbers under "<name>-user", so a client can tell the two RateLimit items apart.
  const PreparedPolicy& policy_for(Route route, bool by_subject) const;
  static PreparedPolicy prepare(ratelimit::Policy policy, LimitedBy by);
  // Headers, metrics and the refusal answer for one decision: the same for a separate check
  // and for a decision out of the combined step.
  LimitVerdict report(Route route, const PreparedPolicy& prepared,
                      const ratelimit::Decision& decision, double store_seconds,
                      WorkerState& worker, http::Response& response);

  std::shared_ptr<ratelimit::Store> store_;
  std::string store_name_;
  bool shared_store_;  // not the in-process store: its latency is worth a histogram
  PreparedPolicy default_, token_, predict_;
  PreparedPolicy default_user_, token_user_, predict_user_;
  bool limits_enabled_;
  ratelimit::LoginThrottle throttle_;
  std::shared_ptr<RequestChecksStore> request_checks_;
};

}  // namespace smlapi::api
