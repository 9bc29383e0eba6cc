// The deny-list of revoked access tokens (RFC 7009), keyed by the token's `jti`.
//
// An entry only needs to live until the token would be rejected as expired anyway, i.e. until
// the token's `exp` plus the verifier's leeway: callers pass that as `deny_until`, and stores
// forget the entry afterwards (memory: on a later call; Redis: a key TTL).
// Implementations: MemoryRevocationStore (memory_revocation_store.h) and the Redis store in
// src/redis/. Both must be safe to call from several threads at once.
#pragma once

#include <cstdint>
#include <string_view>

#include <boost/assert/source_location.hpp>
#include <boost/system/result.hpp>

namespace smlapi::auth {

enum class RevocationError {
  unavailable,        // backend unreachable or failed: callers fail closed (reject the token)
  capacity_exceeded,  // bounded store is full of unexpired entries: the revocation was refused
};

const char* to_string(RevocationError error) noexcept;

class RevocationStore {
 public:
  virtual ~RevocationStore() = default;

  // True when `jti` was revoked and `now` (Unix seconds) is before its deny_until.
  virtual boost::system::result<bool, RevocationError> is_revoked(std::string_view jti,
                                                                  std::int64_t now) = 0;

  // Deny `jti` until `deny_until` (Unix seconds: the token's exp + verifier leeway). A
  // deny_until <= now succeeds without storing anything. Revoking twice is not an error; the
  // later deadline wins.
  virtual boost::system::result<void, RevocationError> revoke(std::string_view jti,
                                                              std::int64_t deny_until,
                                                              std::int64_t now) = 0;
};

// Lets boost::system::result<T, RevocationError>::value() throw a meaningful exception.
[[noreturn]] void throw_exception_from_error(RevocationError error,
                                             const boost::source_location& location);
}  // namespace smlapi::auth
