#pragma once

#include <atomic>
#include <cstdint>
#include <string>
#include <string_view>

#include "auth/revocation_store.h"
#include "redis/config.h"
#include "redis/connection_pool.h"

namespace smlapi::redis {

// auth::RevocationStore in Redis, shared by every replica: one key per revoked jti
// (prefix + "revoked:" + jti) that expires at the token's own exp (SET ... EXAT exp), so the
// deny-list never outgrows the set of live revoked tokens. Any Redis failure is reported as
// RevocationError::unavailable (callers fail closed).
class RedisRevocationStore final : public auth::RevocationStore {
 public:
  // `config` must have passed validate(); `clock` drives the reconnect back-off.
  RedisRevocationStore(Config config, const ratelimit::TimeSource& clock);

  boost::system::result<bool, auth::RevocationError> is_revoked(std::string_view jti,
                                                                std::int64_t now) override;
  boost::system::result<void, auth::RevocationError> revoke(std::string_view jti, std::int64_t exp,
                                                            std::int64_t now) override;

  std::uint64_t errors() const noexcept { return errors_.load(std::memory_order_relaxed); }

  // The deny-list key of `jti` (prefix + "revoked:" + bounded jti), for RequestChecks, which
  // reads it inside its combined script.
  std::string redis_key(std::string_view jti) const;
  // Counts a deny-list read that failed elsewhere (RequestChecks), as is_revoked() would.
  void count_error() noexcept { errors_.fetch_add(1, std::memory_order_relaxed); }

 private:
  ConnectionPool pool_;
  std::atomic<std::uint64_t> errors_{0};
};

}  // namespace smlapi::redis
