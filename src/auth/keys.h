// Signing and verification keys. Each key has a `kid` and exactly one algorithm, fixed when the
// key is created and inferred from the key material (RSA -> RS256, EC P-256 -> ES256,
// Ed25519 -> EdDSA, raw secret -> HS256): a token can never choose how its key is used, which
// rules out algorithm confusion such as RS256 public keys used as HS256 secrets.
//
// Keys are immutable after creation and cheap to copy (the key material is shared), so they can
// be read from any number of threads.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include <openssl/evp.h>
#include <boost/system/result.hpp>

#include "auth/algorithm.h"
#include "auth/error.h"

namespace smlapi::auth {

// HS256 secrets shorter than the hash output are refused (RFC 7518 section 3.2).
inline constexpr std::size_t kMinHs256SecretBytes = 32;
inline constexpr std::size_t kMaxHs256SecretBytes = 4096;
inline constexpr int kMinRsaBits = 2048;

namespace detail {
// Secret bytes that are wiped from memory when the last owner lets go of them.
class SecretBytes {
 public:
  explicit SecretBytes(std::string_view bytes) : bytes_(bytes) {}
  ~SecretBytes();
  SecretBytes(const SecretBytes&) = delete;
  SecretBytes& operator=(const SecretBytes&) = delete;
  std::string_view view() const noexcept { return bytes_; }

 private:
  std::string bytes_;
};
}  // namespace detail

class VerificationKey {
 public:
  // From a PEM public key (SubjectPublicKeyInfo) or private key (only its public half is kept).
  static boost::system::result<VerificationKey, Error> from_pem(std::string_view kid,
                                                                std::string_view pem);
  static boost::system::result<VerificationKey, Error> from_hs256_secret(std::string_view kid,
                                                                         std::string_view secret);
  // A public key read from an external issuer's JWKS (RSA >= 2048 bits or EC P-256). Its kid is
  // the provider's, wider than ours (Amazon Cognito's end in '='): 1-128 printable ASCII
  // characters other than '"' and '\\', so it stays safe in logs and JSON.
  static boost::system::result<VerificationKey, Error> from_external_public_key(
      std::string_view kid, std::shared_ptr<EVP_PKEY> key);

  const std::string& kid() const noexcept { return kid_; }
  Algorithm algorithm() const noexcept { return algorithm_; }

  // The public JWK (RFC 7517) of an asymmetric key with "kid", "alg" and "use":"sig";
  // std::nullopt for HS256, whose secret must never be published.
  std::optional<std::string> public_jwk_json() const;
  // SubjectPublicKeyInfo PEM; std::nullopt for HS256.
  std::optional<std::string> public_pem() const;

  // For the signature layer: the OpenSSL key (nullptr for HS256) and the HS256 secret.
  EVP_PKEY* pkey() const noexcept { return pkey_.get(); }
  const std::shared_ptr<const detail::SecretBytes>& secret() const noexcept { return secret_; }

 private:
  VerificationKey(std::string kid, Algorithm algorithm, std::shared_ptr<EVP_PKEY> pkey,
                  std::shared_ptr<const detail::SecretBytes> secret);
  friend class SigningKey;

  std::string kid_;
  Algorithm algorithm_;
  std::shared_ptr<EVP_PKEY> pkey_;
  std::shared_ptr<const detail::SecretBytes> secret_;
};

class SigningKey {
 public:
  // From a PEM private key (PKCS#8 or traditional, unencrypted).
  static boost::system::result<SigningKey, Error> from_pem(std::string_view kid,
                                                           std::string_view pem);
  static boost::system::result<SigningKey, Error> from_hs256_secret(std::string_view kid,
                                                                    std::string_view secret);
  // A fresh random key: RSA (rsa_bits), P-256, Ed25519, or a 32-byte HS256 secret.
  static boost::system::result<SigningKey, Error> generate(Algorithm algorithm,
                                                           std::string_view kid,
                                                           int rsa_bits = 3072);

  const std::string& kid() const noexcept { return kid_; }
  Algorithm algorithm() const noexcept { return algorithm_; }
  VerificationKey verification_key() const;

  // PKCS#8 PEM of an asymmetric key, or the raw secret bytes of an HS256 key: the content of the
  // key file written by generate_key_files().
  std::string private_material() const;

  EVP_PKEY* pkey() const noexcept { return pkey_.get(); }
  const std::shared_ptr<const detail::SecretBytes>& secret() const noexcept { return secret_; }

 private:
  SigningKey(std::string kid, Algorithm algorithm, std::shared_ptr<EVP_PKEY> pkey,
             std::shared_ptr<const detail::SecretBytes> secret);

  std::string kid_;
  Algorithm algorithm_;
  std::shared_ptr<EVP_PKEY> pkey_;
  std::shared_ptr<const detail::SecretBytes> secret_;
};

// Same algorithm and same public key (or same HS256 secret).
bool have_same_key_material(const VerificationKey& a, const VerificationKey& b);

}  // namespace smlapi::auth
