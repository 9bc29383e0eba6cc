// The per-address limit, the deny-list read and the per-subject limit of one request with an
// already verified token, as one Lua script (lua::kRequestChecksMain): one round trip instead of
// three, with the same keys, values and TTLs as RedisStore::check and
// RedisRevocationStore::is_revoked, and the same order (a refused step touches nothing after
// it). run() is for tokens the caller verified before; for a new token the address limit must
// come before the signature check, so it stays a call of its own and run_token_checks() does
// the rest (two round trips instead of three).
#pragma once

#include <memory>
#include <optional>
#include <string_view>

#include <boost/system/result.hpp>

#include "auth/revocation_store.h"
#include "ratelimit/decision.h"
#include "ratelimit/policy.h"
#include "ratelimit/time.h"
#include "redis/redis_revocation_store.h"
#include "redis/redis_store.h"
#include "redis/script.h"

namespace smlapi::redis {

struct RequestCheckResults {
  ratelimit::Decision address;
  // Unset when the address was refused (the deny-list was not read).
  std::optional<boost::system::result<bool, auth::RevocationError>> revoked;
  // Unset when the subject limit did not run (address refused, token revoked or its revocation
  // state unknown in fail-closed mode, or no subject key given).
  std::optional<ratelimit::Decision> subject;
};

// The token part alone (see run_token_checks).
struct TokenCheckResults {
  boost::system::result<bool, auth::RevocationError> revoked = false;
  std::optional<ratelimit::Decision> subject;  // unset as in RequestCheckResults
};

class RequestChecks {
 public:
  // Both stores must talk to the same Redis (they are built from one Config); the script runs
  // on `store`'s connections.
  RequestChecks(std::shared_ptr<RedisStore> store,
                std::shared_ptr<RedisRevocationStore> revocations);

  // Keys are the unprefixed store keys ("rl:predict:ip:<addr>"), as for RedisStore::check. An
  // empty `subject_key` skips the subject limit (the token lacks the route's scope). When Redis
  // fails, the results are those of the separate steps with Redis down: the address decision
  // of RedisStore's failure mode; if that allows, the deny-list unavailable; and in fail-open
  // mode (where an unreadable deny-list is accepted) the subject's fallback decision.
  RequestCheckResults run(std::string_view address_key, const ratelimit::Policy& address_policy,
                          std::string_view jti, std::string_view subject_key,
                          const ratelimit::Policy& subject_policy, ratelimit::TimePoint now);

  // The same without the address limit, for a request whose address limit already ran as its
  // own step (a token verified for the first time): the deny-list read and the subject limit in
  // one round trip instead of two (lua::kTokenChecksMain). Fails like run().
  TokenCheckResults run_token_checks(std::string_view jti, std::string_view subject_key,
                                     const ratelimit::Policy& subject_policy,
                                     ratelimit::TimePoint now);

 private:
  TokenCheckResults token_checks_without_redis(std::string_view subject_key,
                                               const ratelimit::Policy& subject_policy,
                                               ratelimit::TimePoint now);
  RequestCheckResults without_redis(std::string_view address_key,
                                    const ratelimit::Policy& address_policy,
                                    std::string_view subject_key,
                                    const ratelimit::Policy& subject_policy,
                                    ratelimit::TimePoint now);

  std::shared_ptr<RedisStore> store_;
  std::shared_ptr<RedisRevocationStore> revocations_;
  Script script_;
  Script token_script_;
};

}  // namespace smlapi::redis
