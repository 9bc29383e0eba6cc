// The API's rate limits over smlapi_ratelimit: which policy counts a route (the route table's
// LimitClass), the store key of each check, and what a decision does to the answer (RateLimit
// headers, 429/503, metrics); plus the /token brute-force defence over the same Store. The
// checks themselves run in the admission step's store (api/admission.h). Each route has one
// policy: "token" for the OAuth endpoints, "predict" for inference, "default" for the rest
// (the reference design's 10, 30 and 60 a minute).
#pragma once

#include "api/clock.h"
#include "api/login_guard.h"
#include "api/plan_policies.h"
#include "api/routes.h"
#include "auth/credential_store.h"
#include "http/response.h"
#include "ratelimit/admission_store.h"
#include "ratelimit/login_throttle.h"
#include "ratelimit/policy.h"
#include "ratelimit/recent_logins.h"
#include "ratelimit/store.h"

#include <memory>
#include <string>

namespace smlapi::api {

struct WorkerState;

struct RateLimitPolicies {
  ratelimit::Policy default_policy{"default", 60, std::chrono::seconds(60), 20};
  ratelimit::Policy token_policy{"token", 10, std::chrono::seconds(60), 5};
  ratelimit::Policy predict_policy{"predict", 30, std::chrono::seconds(60), 10};
};

enum class LimitVerdict { allowed, limited, unavailable };

// Whom a check counts against: the client address before authentication (IPv6 already reduced
// to its /64), the token subject after.
enum class LimitedBy { address, subject };

class RateLimitGate final : public LoginGuard {
 public:
  // `limits_enabled` false keeps only the brute-force defence. `store_name` labels the store
  // metrics ("memory", "redis"); only a shared store's latency is recorded.
  RateLimitGate(std::shared_ptr<ratelimit::Store> store, std::string store_name,
                RateLimitPolicies policies, bool limits_enabled,
                std::shared_ptr<const Clock> clock = std::make_shared<SystemClock>());

  bool limits_enabled() const { return limits_enabled_; }

  // The store query of one check of `route`: `key` receives the store key,
  // "rl:<policy>:ip:<address>" or "rl:<policy>-user:sub:<identity>" (the subject in its
  // namespace, api/subject_key.h), and must outlive the query.
  ratelimit::LimitQuery query(Route route, LimitedBy by, std::string_view identity,
                              std::string& key) const;

  // Headers, metrics and, when refused, the 429 (or 503) answer for one decision. `plan`: the
  // principal's plan policy that counted instead of the route's (subject limits only).
  LimitVerdict report(Route route, LimitedBy by, const ratelimit::Decision& decision,
                      double store_seconds, WorkerState& worker, http::Response& response,
                      const PlanPolicy* plan = nullptr);

  // The subject-limit policies of the plans `store` defines, named after this gate's subject
  // policies ("predict-user.gold"), for the store's identity `generation`.
  std::shared_ptr<const PlanPolicies> prepare_plans(const auth::CredentialStore& store,
                                                    std::uint64_t generation) const;

  std::optional<std::chrono::seconds> blocked(std::string_view account,
                                              std::string_view address) override;
  LoginSource source(std::string_view account, std::string_view address) override;
  void failed(std::string_view account, std::string_view address) override;
  void succeeded(std::string_view account, std::string_view address) override;

 private:
  // Everything about a policy that does not change per request, formatted once.
  struct PreparedPolicy {
    ratelimit::Policy policy;
    std::string header_value;  // RateLimit-Policy
    std::string key_prefix;    // store key up to the identity: "rl:<name>:ip:" or ":sub:"
  };
  // Per-address checks use the policy as named; per-subject checks the same
  // numbers under "<name>-user", so a client can tell the two RateLimit items apart.
  const PreparedPolicy& policy_for(Route route, LimitedBy by) const;
  static PreparedPolicy prepare(ratelimit::Policy policy, LimitedBy by);

  std::shared_ptr<ratelimit::Store> store_;
  std::string store_name_;
  bool shared_store_;  // not the in-process store: its latency is worth a histogram
  PreparedPolicy default_, token_, predict_;
  PreparedPolicy default_user_, token_user_, predict_user_;
  bool limits_enabled_;
  std::shared_ptr<const Clock> clock_;
  ratelimit::LoginThrottle throttle_;
  ratelimit::RecentLogins recent_logins_;  // this replica's known (account, source) pairs
};

}  // namespace smlapi::api
