// A worker's cache of tokens it has already verified, keyed by their exact
// bytes. Asymmetric signatures cost 30-120 us to verify (EdDSA, ES256, RS256 on
// this machine) while a client reuses one token for its whole lifetime, so the
// signature is checked once per worker and later requests only compare bytes.
// Safe because the owner clears it whenever the key set changes (AccessControl
// follows KeysSource's generations), drops the tokens whose authority was withdrawn
// whenever the identity store changes (CredentialsSource's generations), and everything
// that changes with time is
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
  // `verified`: the claims as signed; `effective`: as they apply now (find() returns these),
  // e.g. narrowed to the scopes the principal still holds.
  void insert(std::string_view token, const auth::VerifiedToken& verified,
              const auth::VerifiedToken& effective);
  void insert(std::string_view token, const auth::VerifiedToken& verified) {
    insert(token, verified, verified);
  }
  void clear();
  // Recomputes every entry's effective claims from its signed ones when the identity store
  // changed — `apply(effective)` gets a copy of the signed claims to narrow and says whether
  // the token keeps any authority — and drops those that lost it. Once per change, so a hit
  // costs nothing more; and a scope granted again comes back.
  template <typename Apply>
  void reapply(Apply apply) {
    for (Slot& slot : slots_) {
      if (slot.token.empty()) continue;
      slot.effective = slot.verified;
      if (!apply(slot.effective)) slot.token.clear();
    }
  }

 private:
  struct Slot {
    std::string token;  // empty: unused
    auth::VerifiedToken verified;
    auth::VerifiedToken effective;
  };
  std::size_t slot_of(std::string_view token) const;

  std::vector<Slot> slots_;
};

}  // namespace smlapi::api
