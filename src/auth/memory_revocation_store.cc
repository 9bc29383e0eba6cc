#include "auth/memory_revocation_store.h"

namespace smlapi::auth {

MemoryRevocationStore::MemoryRevocationStore(std::size_t max_entries) : max_entries_(max_entries) {}

void MemoryRevocationStore::forget_expired(std::int64_t now) {
  while (!by_expiry_.empty() && by_expiry_.begin()->first <= now) {
    by_jti_.erase(by_expiry_.begin()->second);
    by_expiry_.erase(by_expiry_.begin());
  }
}

boost::system::result<bool, RevocationError> MemoryRevocationStore::is_revoked(std::string_view jti,
                                                                               std::int64_t now) {
  const std::lock_guard lock(mutex_);
  forget_expired(now);
  return by_jti_.find(jti) != by_jti_.end();
}

boost::system::result<void, RevocationError> MemoryRevocationStore::revoke(std::string_view jti,
                                                                           std::int64_t deny_until,
                                                                           std::int64_t now) {
  if (deny_until <= now) return {};
  const std::lock_guard lock(mutex_);
  forget_expired(now);
  if (const auto found = by_jti_.find(jti); found != by_jti_.end()) {
    if (found->second->first >= deny_until) return {};
    // Keep the later of the two deadlines.
    std::string key = found->second->second;
    by_expiry_.erase(found->second);
    found->second = by_expiry_.emplace(deny_until, std::move(key));
    return {};
  }
  if (by_jti_.size() >= max_entries_) return RevocationError::capacity_exceeded;
  const auto position = by_expiry_.emplace(deny_until, std::string(jti));
  by_jti_.emplace(position->second, position);
  return {};
}

std::size_t MemoryRevocationStore::size() const {
  const std::lock_guard lock(mutex_);
  return by_jti_.size();
}

}  // namespace smlapi::auth
