// Argon2id password hashing (RFC 9106) with libargon2, stored as PHC strings. Hashing is slow
// and memory-hard on purpose (about 19 MiB and tens of milliseconds per call with the OWASP
// parameters): bound the number of concurrent calls with a HashingGate.
//
// Unknown users must cost the same as wrong passwords, otherwise response time tells an
// attacker which names exist: verify_dummy() checks the password against a hash with the same
// parameters as the stored one would have (a random salt and tag made once at construction:
// libargon2 computes the whole hash before it compares, so any salt and tag cost the same).
//
// Thread-safe: all members are const after construction.
#pragma once

#include <string>
#include <string_view>

#include "auth/argon2_phc.h"

namespace smlapi::auth {

inline constexpr std::size_t kArgon2SaltBytes = 16;
inline constexpr std::size_t kArgon2TagBytes = 32;
inline constexpr std::size_t kMaxPasswordBytes = 1024;

class PasswordHasher {
 public:
  // Throws std::invalid_argument for parameters outside the bounds of argon2_phc.h.
  explicit PasswordHasher(Argon2Params params = {});

  // A PHC string with a fresh 16-byte salt. Throws std::invalid_argument for passwords longer
  // than kMaxPasswordBytes and std::runtime_error if libargon2 fails (out of memory).
  std::string hash(std::string_view password) const;

  // True if `password` matches `encoded`. A malformed or out-of-bounds `encoded` never matches
  // (and costs a dummy verification, like a wrong password).
  bool verify(std::string_view encoded, std::string_view password) const;

  // Costs what verify() costs with our parameters; for unknown users. Always "fails".
  void verify_dummy(std::string_view password) const;
  // Costs what verify() costs for a stored hash made with `params` (within the bounds of
  // argon2_phc.h; others fall back to ours). Always "fails".
  void verify_dummy(const Argon2Params& params, std::string_view password) const;

  // True if `encoded` was made with other parameters than ours (rehash on next login).
  bool needs_rehash(std::string_view encoded) const;

  const Argon2Params& params() const noexcept { return params_; }

  virtual ~PasswordHasher() = default;
  PasswordHasher(const PasswordHasher&) = delete;
  PasswordHasher& operator=(const PasswordHasher&) = delete;

 protected:
  // The one call into libargon2's verification; every verify and dummy goes through it. A
  // seam for tests that record which parameter sets a login hashes with (timing without
  // timing assertions: see credential_authenticator.h).
  virtual bool verify_encoded(const std::string& encoded, std::string_view password) const;

 private:
  Argon2Params params_;
  std::string dummy_hash_;
  std::string dummy_salt_and_tag_;  // "$<salt>$<tag>" of dummy_hash_, for dummies of any params
};

}  // namespace smlapi::auth
