#include "auth/password_hasher.h"

#include <argon2.h>
#include <stdexcept>
#include <vector>

#include "auth/random.h"

namespace smlapi::auth {

PasswordHasher::PasswordHasher(Argon2Params params) : params_(params) {
  if (!are_valid_params(params_)) throw std::invalid_argument("Argon2id parameters out of bounds");
  dummy_hash_ = hash(random_token(24));
  // "$argon2id$v=19$m=..,t=..,p=..$<salt>$<tag>": the part after the parameters.
  const std::size_t tag_dollar = dummy_hash_.rfind('$');
  dummy_salt_and_tag_ = dummy_hash_.substr(dummy_hash_.rfind('$', tag_dollar - 1));
}

std::string PasswordHasher::hash(std::string_view password) const {
  if (password.size() > kMaxPasswordBytes) throw std::invalid_argument("password too long");
  const std::string salt = random_bytes(kArgon2SaltBytes);
  const std::size_t encoded_length =
      argon2_encodedlen(params_.iterations, params_.memory_kib, params_.parallelism,
                        kArgon2SaltBytes, kArgon2TagBytes, Argon2_id);
  std::vector<char> encoded(encoded_length + 1, '\0');
  const int status = argon2id_hash_encoded(
      params_.iterations, params_.memory_kib, params_.parallelism, password.data(), password.size(),
      salt.data(), salt.size(), kArgon2TagBytes, encoded.data(), encoded.size());
  if (status != ARGON2_OK) {
    throw std::runtime_error(std::string("argon2id hashing failed: ") +
                             argon2_error_message(status));
  }
  return std::string(encoded.data());
}

bool PasswordHasher::verify_encoded(const std::string& encoded, std::string_view password) const {
  return argon2id_verify(encoded.c_str(), password.data(), password.size()) == ARGON2_OK;
}

bool PasswordHasher::verify(std::string_view encoded, std::string_view password) const {
  const auto phc = parse_argon2id_phc(encoded);
  if (!phc) {
    verify_dummy(password);
    return false;
  }
  if (password.size() > kMaxPasswordBytes) {
    verify_dummy(phc->params, password);  // the cost of this hash's parameters, like a match
    return false;
  }
  return verify_encoded(std::string(encoded), password);
}

void PasswordHasher::verify_dummy(std::string_view password) const {
  // Passwords longer than the limit are cut so the dummy costs the same as a real check.
  static_cast<void>(verify_encoded(dummy_hash_, password.substr(0, kMaxPasswordBytes)));
}

void PasswordHasher::verify_dummy(const Argon2Params& params, std::string_view password) const {
  if (!are_valid_params(params) || params == params_) return verify_dummy(password);
  const std::string encoded = "$argon2id$v=19$m=" + std::to_string(params.memory_kib) +
                              ",t=" + std::to_string(params.iterations) +
                              ",p=" + std::to_string(params.parallelism) + dummy_salt_and_tag_;
  static_cast<void>(verify_encoded(encoded, password.substr(0, kMaxPasswordBytes)));
}

bool PasswordHasher::needs_rehash(std::string_view encoded) const {
  const auto phc = parse_argon2id_phc(encoded);
  return !phc || phc->params != params_ || phc->tag_bytes != kArgon2TagBytes;
}

}  // namespace smlapi::auth
