#include "redis/redis_revocation_store.h"

#include <hiredis/hiredis.h>

#include "ratelimit/key.h"

namespace smlapi::redis {

RedisRevocationStore::RedisRevocationStore(Config config, const ratelimit::TimeSource& clock)
    : pool_(std::move(config), clock) {}

std::string RedisRevocationStore::redis_key(std::string_view jti) const {
  std::string scratch;
  std::string key = pool_.config().key_prefix;
  key.append("revoked:");
  key.append(ratelimit::bounded_key(jti, pool_.config().max_key_bytes, scratch));
  return key;
}

boost::system::result<bool, auth::RevocationError> RedisRevocationStore::is_revoked(
    std::string_view jti, std::int64_t /*now: the key's TTL already ends at exp*/) {
  const std::string key = redis_key(jti);
  const std::string_view command[] = {"EXISTS", key};
  const auto reply = pool_.execute(command);
  if (!reply.has_value() || (*reply)->type != REDIS_REPLY_INTEGER) {
    errors_.fetch_add(1, std::memory_order_relaxed);
    return auth::RevocationError::unavailable;
  }
  return (*reply)->integer > 0;
}

boost::system::result<void, auth::RevocationError> RedisRevocationStore::revoke(
    std::string_view jti, std::int64_t exp, std::int64_t now) {
  if (exp <= now) return {};
  const std::string key = redis_key(jti);
  const std::string at = std::to_string(exp);
  const std::string_view command[] = {"SET", key, "1", "EXAT", at};
  if (!pool_.execute(command).has_value()) {
    errors_.fetch_add(1, std::memory_order_relaxed);
    return auth::RevocationError::unavailable;
  }
  return {};
}

}  // namespace smlapi::redis
