#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "auth/revocation_store.h"
#include "ratelimit/admission_store.h"
#include "redis/config.h"
#include "redis/connection_pool.h"
#include "redis/deny_list_mirror.h"
#include "redis/revocation_publisher.h"

namespace smlapi::redis {

// auth::RevocationStore in Redis, shared by every replica: one key per revoked jti
// (prefix + "revoked:" + jti) that expires at the token's own exp (SET ... EXAT exp), so the
// deny-list never outgrows the set of live revoked tokens. Each revocation is also published to
// every replica's DenyListMirror, and added to this replica's at once.
//
// When Redis fails: without a mirror, RevocationError::unavailable. With one, a read answers
// from the mirror (DenyListMirror::outage_listing), and a revocation is refused here at once,
// queued, and written to Redis by DenyListMirrorSync when Redis answers again: revoke()
// succeeds (unavailable only when too many are queued already).
class RedisRevocationStore final : public auth::RevocationStore {
 public:
  // `config` must have passed validate(); `clock` drives the reconnect back-off. `mirror`
  // (optional) must be built from the same config.
  RedisRevocationStore(Config config, const ratelimit::TimeSource& clock,
                       std::shared_ptr<DenyListMirror> mirror = nullptr);

  boost::system::result<bool, auth::RevocationError> is_revoked(std::string_view jti,
                                                                std::int64_t now) override;
  boost::system::result<void, auth::RevocationError> revoke(std::string_view jti, std::int64_t exp,
                                                            std::int64_t now) override;

  std::uint64_t errors() const noexcept { return errors_.load(std::memory_order_relaxed); }

  // The deny-list key of `jti` (prefix + "revoked:" + bounded jti), for the admission script,
  // which reads it with the limits; or appended to `out`.
  std::string redis_key(std::string_view jti) const;
  void append_redis_key(std::string& out, std::string_view jti) const;
  // Counts a deny-list read that failed elsewhere (RequestChecks), as is_revoked() would.
  void count_error() noexcept { errors_.fetch_add(1, std::memory_order_relaxed); }

  // The deny-list's answer for `jti` while Redis cannot be read: the mirror's, or unknown
  // without one. And whether an unknown answer may be accepted (the subject limit then runs).
  ratelimit::Listing outage_listing(std::string_view jti, std::int64_t unix_now) const;
  bool unknown_listing_accepted() const noexcept;

 private:
  ConnectionPool pool_;
  std::shared_ptr<DenyListMirror> mirror_;
  RevocationPublisher publisher_;
  std::atomic<std::uint64_t> errors_{0};
};

}  // namespace smlapi::redis
