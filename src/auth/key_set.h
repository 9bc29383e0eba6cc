// The keys a service trusts: several verification keys at once (so tokens signed with the
// previous key keep verifying during a rotation) and at most one active signing key.
// Immutable once created; share it as std::shared_ptr<const KeySet> and swap the pointer to
// reload.
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/system/result.hpp>

#include "auth/error.h"
#include "auth/keys.h"

namespace smlapi::auth {

class KeySet {
 public:
  // Fails on two keys with the same kid. The signing key's verification key is added
  // automatically; if a verification key with its kid is also given, both must agree.
  static boost::system::result<KeySet, Error> create(std::vector<VerificationKey> verification_keys,
                                                     std::optional<SigningKey> signing_key);

  // The key named by a token's kid: a map lookup, never a file or URL.
  const VerificationKey* find(std::string_view kid) const;

  const std::optional<SigningKey>& signing_key() const noexcept { return signing_key_; }
  std::vector<std::string> kids() const;
  std::size_t size() const noexcept { return keys_.size(); }

  // {"keys":[...]} with the public JWKs of the asymmetric keys, in kid order. HS256 keys are
  // never published.
  std::string jwks_json() const;

 private:
  KeySet() = default;

  std::map<std::string, VerificationKey, std::less<>> keys_;
  std::optional<SigningKey> signing_key_;
};

}  // namespace smlapi::auth
