// One request's admission, in the order that puts the cheapest refusals first: the limit by
// client address → the bearer token (signature, expiry, claims) → its revocation → the route's
// scope → the limit by token subject. Every route goes through it as its row in the route table
// says (LimitClass, scope); /token/revoke included. Refusals are answered here (429/503 with
// RateLimit headers, 401/403 with WWW-Authenticate), counted, and audited ("auth.rejected").
//
// The shared state — limits and deny-list — is read in store steps (ratelimit::AdmissionStore,
// in-process or Redis, chosen in the wiring). A token this worker verified before costs no
// crypto, so its address limit, deny-list read and subject limit share one step (one Redis
// round trip); a new token keeps its address limit as a step of its own, before any signature
// check, then one step for the rest.
//
// Admission is a small state machine so that a request can wait on the store: start() and
// resume() each end with a verdict or with a store query pending in the request's
// AdmissionProgress (RequestState). admit() drives it with a synchronous store; an
// asynchronous driver runs the pending query and calls resume() when its results arrive.
#pragma once

#include "api/access_control.h"
#include "api/call.h"
#include "api/clock.h"
#include "api/log.h"
#include "api/rate_limit_gate.h"
#include "ratelimit/admission_store.h"

#include <memory>
#include <optional>

namespace smlapi::api {

struct AdmissionParts {
  std::shared_ptr<AccessControl> access;             // null: protected routes answer 503
  std::shared_ptr<RateLimitGate> limits;             // null or limits disabled: no rate limits
  std::shared_ptr<ratelimit::AdmissionStore> store;  // required
  std::shared_ptr<const Clock> clock;                // required
};

enum class AdmissionState { admitted, refused, awaiting_store };

class Admission {
 public:
  Admission(AdmissionParts parts, LogSink& audit);

  // The whole admission with the store answering at once. True: call.principal is set for
  // token routes; false: call.response holds the refusal.
  bool admit(Call& call);

  // The token and its scope, without the store. For a request admitted on its head (Expect:
  // 100-continue, http::Request::admitted): its limits and deny-list read were decided then, by
  // admit() or start(); this sets call.principal again when the body has come. False:
  // call.response holds the refusal (e.g. the token expired while the body was uploaded).
  bool precheck(Call& call);

  AdmissionState start(Call& call);
  AdmissionState resume(Call& call, const ratelimit::AdmissionResults& results);

  const Clock& clock() const { return *parts_.clock; }

 private:
  ratelimit::AdmissionResults run_store(AdmissionProgress& progress);
  AdmissionState verify_token(Call& call);
  AdmissionState ask_token_checks(Call& call, const auth::VerifiedToken& token);
  AdmissionState finish_token_checks(Call& call, const ratelimit::AdmissionResults& results);
  bool report_limit(Call& call, LimitedBy by, const std::optional<ratelimit::Decision>& decision,
                    const PlanPolicy* plan = nullptr);
  const PlanPolicy* subject_plan(Call& call);
  static void use_plan(AdmissionProgress& progress);
  bool report_auth(Call& call, const boost::system::result<void, AuthDenial>& verdict);

  AdmissionParts parts_;
  LogSink& audit_;
  bool shared_store_ = false;  // parts_.store->shared(), asked once
};

}  // namespace smlapi::api
