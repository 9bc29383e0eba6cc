// A store that can run a request's three shared-state checks — the per-address limit, the
// token deny-list read and the per-subject limit — as one step (one Redis round trip), in the
// order and with the effects of the separate steps: a refused step leaves every later key
// untouched. Implemented over redis::RequestChecks in the wiring (src/app); the in-process
// store has no such step (its separate checks cost no round trips).
#pragma once

#include "auth/revocation_store.h"
#include "ratelimit/decision.h"
#include "ratelimit/policy.h"
#include "ratelimit/time.h"

#include <boost/system/result.hpp>

#include <optional>
#include <string_view>

namespace smlapi::api {

struct RequestCheckResults {
  ratelimit::Decision address;
  // Unset when the address was refused: the deny-list was not read.
  std::optional<boost::system::result<bool, auth::RevocationError>> revoked;
  // Unset when the subject limit did not run (address refused, token revoked, deny-list
  // unreadable in fail-closed mode, or no subject key given).
  std::optional<ratelimit::Decision> subject;
};

// The token part alone: the deny-list read and (same rules) the subject limit.
struct TokenCheckResults {
  boost::system::result<bool, auth::RevocationError> revoked = false;
  std::optional<ratelimit::Decision> subject;
};

class RequestChecksStore {
 public:
  virtual ~RequestChecksStore() = default;
  // Keys are the store keys RateLimitGate uses ("rl:<policy>:ip:<addr>"); an empty
  // `subject_key` skips the subject limit (the token lacks the route's scope).
  virtual RequestCheckResults run(std::string_view address_key,
                                  const ratelimit::Policy& address_policy, std::string_view jti,
                                  std::string_view subject_key,
                                  const ratelimit::Policy& subject_policy,
                                  ratelimit::TimePoint now) = 0;
  // The same after the address limit ran as its own step (a token verified just now).
  virtual TokenCheckResults run_token_checks(std::string_view jti, std::string_view subject_key,
                                             const ratelimit::Policy& subject_policy,
                                             ratelimit::TimePoint now) = 0;
};

}  // namespace smlapi::api
