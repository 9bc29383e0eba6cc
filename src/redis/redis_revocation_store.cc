#include "redis/redis_revocation_store.h"

#include <hiredis/hiredis.h>

namespace smlapi::redis {

RedisRevocationStore::RedisRevocationStore(Config config, const ratelimit::TimeSource& clock,
                                           std::shared_ptr<DenyListMirror> mirror)
    : pool_(std::move(config), clock), mirror_(std::move(mirror)), publisher_(pool_.config()) {}

std::string RedisRevocationStore::redis_key(std::string_view jti) const {
  return deny_list_key(pool_.config(), jti);
}

void RedisRevocationStore::append_redis_key(std::string& out, std::string_view jti) const {
  append_deny_list_key(out, pool_.config(), jti);
}

ratelimit::Listing RedisRevocationStore::outage_listing(std::string_view jti,
                                                        std::int64_t unix_now) const {
  return mirror_ ? mirror_->outage_listing(jti, unix_now) : ratelimit::Listing::unknown;
}

// With a mirror, an unknown listing only comes from closed mode, which refuses it; without one,
// the limiter's failure mode decides, as before mirrors existed.
bool RedisRevocationStore::unknown_listing_accepted() const noexcept {
  return !mirror_ && pool_.config().failure_mode == FailureMode::fail_open;
}

boost::system::result<bool, auth::RevocationError> RedisRevocationStore::is_revoked(
    std::string_view jti, std::int64_t now) {
  const std::string key = redis_key(jti);
  const std::string_view command[] = {"EXISTS", key};
  const auto reply = pool_.execute(command);
  if (reply.has_value() && (*reply)->type == REDIS_REPLY_INTEGER) return (*reply)->integer > 0;
  errors_.fetch_add(1, std::memory_order_relaxed);
  const ratelimit::Listing listing = outage_listing(jti, now);
  if (listing == ratelimit::Listing::unknown) return auth::RevocationError::unavailable;
  return listing == ratelimit::Listing::listed;
}

// The mirror hears of the revocation first, so this replica refuses the token from now on
// whatever Redis does; it stays "unpublished" until the script has run.
boost::system::result<void, auth::RevocationError> RedisRevocationStore::revoke(
    std::string_view jti, std::int64_t exp, std::int64_t now) {
  if (exp <= now) return {};
  const DenyListEntry entry{redis_key(jti), exp};
  const bool queued = mirror_ && mirror_->add_unpublished(entry);
  if (publisher_.publish(pool_, entry).has_value()) {
    if (mirror_) mirror_->published(entry.key);
    return {};
  }
  errors_.fetch_add(1, std::memory_order_relaxed);
  if (queued) return {};  // DenyListMirrorSync writes it when Redis is back
  return auth::RevocationError::unavailable;
}

}  // namespace smlapi::redis
