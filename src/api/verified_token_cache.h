// A worker's cache of tokens it has already verified, keyed by their exact
// bytes. Asymmetric signatures cost 30-120 us to verify (EdDSA, ES256, RS256 on
// this machine) while a client reuses one token for its whole lifetime, so the
// signature is checked once per worker and later requests only compare bytes.
// Safe because the owner clears it whenever the key set changes (AccessControl
// follows KeysSource's generations) and everything that changes with time is
// re-checked on a hit: expiry here, revocation and scope by the caller on every
// request.
#pragma once

#include "auth/token_verifier.h"

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace smlapi::api {

class VerifiedTokenCache {
 public:
  explicit VerifiedTokenCache(std::size_t slots = 1024);

  // The verified claims of exactly this token if cached and not expired at
  // `now` (the verifier's rule: expired once now >= exp + leeway).
  const auth::VerifiedToken* find(std::string_view token, std::int64_t now,
                                  std::int64_t leeway_seconds) const;
  void insert(std::string_view token, const auth::VerifiedToken& verified);
  void clear();

 private:
  struct Slot {
    std::string token;  // empty: unused
    auth::VerifiedToken verified;
  };
  std::size_t slot_of(std::string_view token) const;

  std::vector<Slot> slots_;
};

}  // namespace smlapi::api
