// The in-process deny-list: right for a single replica (use the Redis store when several
// replicas must agree). Entries are forgotten once their deny_until has passed. Bounded: when
// full of unexpired entries a new revocation is refused with capacity_exceeded rather than
// evicting (and so un-revoking) an older one. Thread-safe (one mutex; operations are O(log n)).
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <unordered_map>

#include "auth/revocation_store.h"

namespace smlapi::auth {

inline constexpr std::size_t kDefaultMaxRevocations = 100'000;

class MemoryRevocationStore final : public RevocationStore {
 public:
  explicit MemoryRevocationStore(std::size_t max_entries = kDefaultMaxRevocations);

  boost::system::result<bool, RevocationError> is_revoked(std::string_view jti,
                                                          std::int64_t now) override;
  boost::system::result<void, RevocationError> revoke(std::string_view jti, std::int64_t deny_until,
                                                      std::int64_t now) override;

  std::size_t size() const;

 private:
  struct StringHash {
    using is_transparent = void;
    std::size_t operator()(std::string_view text) const noexcept {
      return std::hash<std::string_view>{}(text);
    }
  };
  using Expiries = std::multimap<std::int64_t, std::string>;

  void forget_expired(std::int64_t now);  // requires mutex_

  const std::size_t max_entries_;
  mutable std::mutex mutex_;
  std::unordered_map<std::string, Expiries::iterator, StringHash, std::equal_to<>> by_jti_;
  Expiries by_expiry_;
};

}  // namespace smlapi::auth
