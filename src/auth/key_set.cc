#include "auth/key_set.h"

namespace smlapi::auth {
boost::system::result<KeySet, Error> KeySet::create(std::vector<VerificationKey> verification_keys,
                                                    std::optional<SigningKey> signing_key) {
  KeySet set;
  for (auto& key : verification_keys) {
    const std::string kid = key.kid();
    if (!set.keys_.emplace(kid, std::move(key)).second) {
      return Error{"key '" + kid + "' is defined twice"};
    }
  }
  if (signing_key) {
    VerificationKey own = signing_key->verification_key();
    if (const VerificationKey* existing = set.find(own.kid())) {
      if (!have_same_key_material(*existing, own)) {
        return Error{"key '" + own.kid() + "': public and private key files do not match"};
      }
    } else {
      set.keys_.emplace(own.kid(), std::move(own));
    }
  }
  set.signing_key_ = std::move(signing_key);
  return set;
}

const VerificationKey* KeySet::find(std::string_view kid) const {
  const auto found = keys_.find(kid);
  return found == keys_.end() ? nullptr : &found->second;
}

std::vector<std::string> KeySet::kids() const {
  std::vector<std::string> out;
  out.reserve(keys_.size());
  for (const auto& [kid, key] : keys_) out.push_back(kid);
  return out;
}

std::string KeySet::jwks_json() const {
  std::string out = "{\"keys\":[";
  bool first = true;
  for (const auto& [kid, key] : keys_) {
    const auto jwk = key.public_jwk_json();
    if (!jwk) continue;
    if (!first) out += ',';
    out += *jwk;
    first = false;
  }
  out += "]}";
  return out;
}

}  // namespace smlapi::auth
