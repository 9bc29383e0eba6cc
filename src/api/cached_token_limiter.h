// The rate limits of a request whose bearer token this worker has verified before (a
// VerifiedTokenCache hit: every request after a client's first on a worker), checked together
// with the token's revocation in one store step. Verification then costs no crypto, so nothing
// is lost by looking the token up before the address limit. A new token keeps its address limit
// as a step of its own before any signature check (RequestLimiter::check); after verification
// its deny-list read and subject limit share one store step (check_verified_token).
// Implemented by RateLimitGate, which combines_checks() when its store has a RequestChecksStore
// (Redis).
#pragma once

#include "api/request_limiter.h"
#include "auth/revocation_store.h"
#include "ratelimit/decision.h"

#include <boost/system/result.hpp>

#include <optional>
#include <string_view>

namespace smlapi::api {

struct CachedTokenChecks {
  LimitVerdict address = LimitVerdict::allowed;  // already reported, like RequestLimiter::check
  // Set whenever the address was allowed.
  std::optional<boost::system::result<bool, auth::RevocationError>> revoked;
  std::optional<ratelimit::Decision> subject;  // not reported yet: see report_subject
  double store_seconds = 0;                    // the one step's latency
};

class CachedTokenLimiter {
 public:
  virtual ~CachedTokenLimiter() = default;
  // False when the store has no combined step (in-process store) or limits are off: then the
  // caller takes the separate steps.
  virtual bool combines_checks() const = 0;
  // Runs the combined step and reports the address decision (RateLimit headers, metrics and,
  // when refused, the 429/503 answer). `subject` unset: the token lacks the route's scope, so
  // the subject limit must not run.
  virtual CachedTokenChecks check_cached(Route route, std::string_view address,
                                         std::string_view jti,
                                         std::optional<std::string_view> subject,
                                         WorkerState& worker, http::Response& response) = 0;
  // For a token verified just now, after the address limit ran as its own step: the deny-list
  // read and the subject limit as one store step. Reports nothing; `address` is allowed.
  virtual CachedTokenChecks check_verified_token(Route route, std::string_view jti,
                                                 std::optional<std::string_view> subject,
                                                 WorkerState& worker) = 0;
  // Reports the subject decision of `checks` once authentication has passed, exactly as a
  // separate subject check would; runs that check when the step did not.
  virtual LimitVerdict report_subject(Route route, std::string_view subject,
                                      const CachedTokenChecks& checks, WorkerState& worker,
                                      http::Response& response) = 0;
};

}  // namespace smlapi::api
