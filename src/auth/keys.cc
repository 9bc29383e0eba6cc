#include "auth/keys.h"

#include <algorithm>
#include <array>
#include <stdexcept>
#include <utility>
#include <vector>

#include <openssl/bio.h>
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include "auth/base64url.h"
#include "auth/names.h"
#include "auth/openssl_handles.h"
#include "auth/random.h"
#include "common/json_writer.h"

namespace smlapi::auth {
namespace {

using BioPtr = std::unique_ptr<BIO, detail::OpenSslDeleter<&BIO_free_all>>;

std::shared_ptr<EVP_PKEY> adopt(EVP_PKEY* key) { return {key, &EVP_PKEY_free}; }

// Never prompt for a passphrase on the terminal: encrypted key files are simply refused.
int refuse_passphrase(char*, int, int, void*) { return -1; }

BioPtr memory_bio(std::string_view bytes) {
  return BioPtr(BIO_new_mem_buf(bytes.data(), static_cast<int>(bytes.size())));
}

std::string bio_contents(BIO* bio) {
  char* data = nullptr;
  const long size = BIO_get_mem_data(bio, &data);
  return std::string(data, static_cast<std::size_t>(size));
}

Error key_error(std::string_view kid, std::string_view what) {
  return Error{"key '" + std::string(kid) + "': " + std::string(what)};
}

// The one algorithm a key may be used with, from its type; RSA below 2048 bits and curves other
// than P-256 are refused.
boost::system::result<Algorithm, Error> infer_algorithm(std::string_view kid, EVP_PKEY* key) {
  if (EVP_PKEY_is_a(key, "RSA")) {
    if (EVP_PKEY_get_bits(key) < kMinRsaBits)
      return key_error(kid, "RSA key shorter than 2048 bits");
    return Algorithm::RS256;
  }
  if (EVP_PKEY_is_a(key, "EC")) {
    std::array<char, 64> group{};
    std::size_t length = 0;
    if (EVP_PKEY_get_group_name(key, group.data(), group.size(), &length) != 1 ||
        std::string_view(group.data(), length) != "prime256v1") {
      return key_error(kid, "EC key is not on P-256 (only ES256 is supported)");
    }
    return Algorithm::ES256;
  }
  if (EVP_PKEY_is_a(key, "ED25519")) return Algorithm::EdDSA;
  return key_error(kid, "unsupported key type (use RSA, EC P-256 or Ed25519)");
}

boost::system::result<std::shared_ptr<EVP_PKEY>, Error> public_half(std::string_view kid,
                                                                    EVP_PKEY* key) {
  unsigned char* der = nullptr;
  const int length = i2d_PUBKEY(key, &der);
  if (length <= 0) return key_error(kid, "cannot extract the public key");
  const unsigned char* cursor = der;
  EVP_PKEY* public_key = d2i_PUBKEY(nullptr, &cursor, length);
  OPENSSL_free(der);
  if (public_key == nullptr) return key_error(kid, "cannot extract the public key");
  return adopt(public_key);
}

boost::system::result<std::shared_ptr<EVP_PKEY>, Error> read_private_pem(std::string_view kid,
                                                                         std::string_view pem) {
  const BioPtr bio = memory_bio(pem);
  EVP_PKEY* key = PEM_read_bio_PrivateKey(bio.get(), nullptr, &refuse_passphrase, nullptr);
  if (key == nullptr) {
    return key_error(kid,
                     "not an unencrypted PEM private key (" + detail::take_openssl_error() + ")");
  }
  return adopt(key);
}

boost::system::result<std::shared_ptr<EVP_PKEY>, Error> read_any_pem(std::string_view kid,
                                                                     std::string_view pem) {
  {
    const BioPtr bio = memory_bio(pem);
    if (EVP_PKEY* key = PEM_read_bio_PUBKEY(bio.get(), nullptr, &refuse_passphrase, nullptr)) {
      return adopt(key);
    }
  }
  detail::take_openssl_error();
  auto private_key = read_private_pem(kid, pem);
  if (!private_key) return private_key.error();
  return public_half(kid, private_key.value().get());
}

std::string bignum_param(EVP_PKEY* key, const char* name, std::size_t pad_to) {
  BIGNUM* raw = nullptr;
  if (EVP_PKEY_get_bn_param(key, name, &raw) != 1) return {};
  const detail::BignumPtr number(raw);
  const std::size_t size = pad_to != 0 ? pad_to : static_cast<std::size_t>(BN_num_bytes(raw));
  std::vector<std::uint8_t> bytes(size);
  BN_bn2binpad(raw, bytes.data(), static_cast<int>(size));
  return base64url_encode(bytes);
}

void append_member(std::string& out, std::string_view name, std::string_view value) {
  out += ',';
  json::append_string(out, name);
  out += ':';
  json::append_string(out, value);
}

bool is_valid_secret_size(std::string_view secret) {
  return secret.size() >= kMinHs256SecretBytes && secret.size() <= kMaxHs256SecretBytes;
}

}  // namespace

bool have_same_key_material(const VerificationKey& a, const VerificationKey& b) {
  if (a.algorithm() != b.algorithm()) return false;
  if (a.algorithm() == Algorithm::HS256) {
    const std::string_view x = a.secret()->view();
    const std::string_view y = b.secret()->view();
    return x.size() == y.size() && CRYPTO_memcmp(x.data(), y.data(), x.size()) == 0;
  }
  return EVP_PKEY_eq(a.pkey(), b.pkey()) == 1;
}

detail::SecretBytes::~SecretBytes() { OPENSSL_cleanse(bytes_.data(), bytes_.size()); }

VerificationKey::VerificationKey(std::string kid, Algorithm algorithm,
                                 std::shared_ptr<EVP_PKEY> pkey,
                                 std::shared_ptr<const detail::SecretBytes> secret)
    : kid_(std::move(kid)),
      algorithm_(algorithm),
      pkey_(std::move(pkey)),
      secret_(std::move(secret)) {}

boost::system::result<VerificationKey, Error> VerificationKey::from_pem(std::string_view kid,
                                                                        std::string_view pem) {
  if (!is_valid_key_id(kid)) return key_error(kid, "invalid kid");
  auto loaded = read_any_pem(kid, pem);
  if (!loaded) return loaded.error();
  std::shared_ptr<EVP_PKEY> key = std::move(loaded).value();
  auto algorithm = infer_algorithm(kid, key.get());
  if (!algorithm) return algorithm.error();
  return VerificationKey(std::string(kid), algorithm.value(), std::move(key), nullptr);
}

boost::system::result<VerificationKey, Error> VerificationKey::from_hs256_secret(
    std::string_view kid, std::string_view secret) {
  if (!is_valid_key_id(kid)) return key_error(kid, "invalid kid");
  if (!is_valid_secret_size(secret)) return key_error(kid, "HS256 secret must be 32-4096 bytes");
  return VerificationKey(std::string(kid), Algorithm::HS256, nullptr,
                         std::make_shared<const detail::SecretBytes>(secret));
}

boost::system::result<VerificationKey, Error> VerificationKey::from_external_public_key(
    std::string_view kid, std::shared_ptr<EVP_PKEY> key) {
  constexpr std::size_t kMaxExternalKidLength = 128;
  const bool printable = std::all_of(
      kid.begin(), kid.end(), [](char c) { return c > ' ' && c < 0x7f && c != '"' && c != '\\'; });
  if (kid.empty() || kid.size() > kMaxExternalKidLength || !printable) {
    return Error{"external key: invalid kid"};
  }
  if (!key) return key_error(kid, "no key material");
  auto algorithm = infer_algorithm(kid, key.get());
  if (!algorithm) return algorithm.error();
  if (algorithm.value() != Algorithm::RS256 && algorithm.value() != Algorithm::ES256) {
    return key_error(kid, "external keys must be RSA or EC P-256");
  }
  return VerificationKey(std::string(kid), algorithm.value(), std::move(key), nullptr);
}

std::optional<std::string> VerificationKey::public_jwk_json() const {
  if (!is_asymmetric(algorithm_)) return std::nullopt;
  std::string out = "{";
  json::append_string(out, "kid");
  out += ':';
  json::append_string(out, kid_);
  append_member(out, "use", "sig");
  append_member(out, "alg", to_string(algorithm_));
  EVP_PKEY* key = pkey_.get();
  switch (algorithm_) {
    case Algorithm::RS256:
      append_member(out, "kty", "RSA");
      append_member(out, "n", bignum_param(key, OSSL_PKEY_PARAM_RSA_N, 0));
      append_member(out, "e", bignum_param(key, OSSL_PKEY_PARAM_RSA_E, 0));
      break;
    case Algorithm::ES256:
      append_member(out, "kty", "EC");
      append_member(out, "crv", "P-256");
      append_member(out, "x", bignum_param(key, OSSL_PKEY_PARAM_EC_PUB_X, 32));
      append_member(out, "y", bignum_param(key, OSSL_PKEY_PARAM_EC_PUB_Y, 32));
      break;
    case Algorithm::EdDSA: {
      std::array<std::uint8_t, 32> raw{};
      std::size_t length = raw.size();
      EVP_PKEY_get_raw_public_key(key, raw.data(), &length);
      append_member(out, "kty", "OKP");
      append_member(out, "crv", "Ed25519");
      append_member(out, "x", base64url_encode(std::span(raw.data(), length)));
      break;
    }
    case Algorithm::HS256:
      break;
  }
  out += '}';
  return out;
}

std::optional<std::string> VerificationKey::public_pem() const {
  if (!is_asymmetric(algorithm_)) return std::nullopt;
  const BioPtr bio(BIO_new(BIO_s_mem()));
  if (PEM_write_bio_PUBKEY(bio.get(), pkey_.get()) != 1) return std::nullopt;
  return bio_contents(bio.get());
}

SigningKey::SigningKey(std::string kid, Algorithm algorithm, std::shared_ptr<EVP_PKEY> pkey,
                       std::shared_ptr<const detail::SecretBytes> secret)
    : kid_(std::move(kid)),
      algorithm_(algorithm),
      pkey_(std::move(pkey)),
      secret_(std::move(secret)) {}

boost::system::result<SigningKey, Error> SigningKey::from_pem(std::string_view kid,
                                                              std::string_view pem) {
  if (!is_valid_key_id(kid)) return key_error(kid, "invalid kid");
  auto loaded = read_private_pem(kid, pem);
  if (!loaded) return loaded.error();
  std::shared_ptr<EVP_PKEY> key = std::move(loaded).value();
  auto algorithm = infer_algorithm(kid, key.get());
  if (!algorithm) return algorithm.error();
  return SigningKey(std::string(kid), algorithm.value(), std::move(key), nullptr);
}

boost::system::result<SigningKey, Error> SigningKey::from_hs256_secret(std::string_view kid,
                                                                       std::string_view secret) {
  if (!is_valid_key_id(kid)) return key_error(kid, "invalid kid");
  if (!is_valid_secret_size(secret)) return key_error(kid, "HS256 secret must be 32-4096 bytes");
  return SigningKey(std::string(kid), Algorithm::HS256, nullptr,
                    std::make_shared<const detail::SecretBytes>(secret));
}

boost::system::result<SigningKey, Error> SigningKey::generate(Algorithm algorithm,
                                                              std::string_view kid, int rsa_bits) {
  if (!is_valid_key_id(kid)) return key_error(kid, "invalid kid");
  EVP_PKEY* key = nullptr;
  switch (algorithm) {
    case Algorithm::HS256: {
      const std::string secret = random_bytes(kMinHs256SecretBytes);
      return from_hs256_secret(kid, secret);
    }
    case Algorithm::RS256:
      if (rsa_bits < kMinRsaBits) return key_error(kid, "RSA key shorter than 2048 bits");
      key = EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", static_cast<std::size_t>(rsa_bits));
      break;
    case Algorithm::ES256:
      key = EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256");
      break;
    case Algorithm::EdDSA:
      key = EVP_PKEY_Q_keygen(nullptr, nullptr, "ED25519");
      break;
  }
  if (key == nullptr)
    return key_error(kid, "key generation failed: " + detail::take_openssl_error());
  return SigningKey(std::string(kid), algorithm, adopt(key), nullptr);
}

VerificationKey SigningKey::verification_key() const {
  if (!is_asymmetric(algorithm_)) return VerificationKey(kid_, algorithm_, nullptr, secret_);
  // A loaded private key always has a public half; value() throws if OpenSSL is broken.
  return VerificationKey(kid_, algorithm_, public_half(kid_, pkey_.get()).value(), nullptr);
}

std::string SigningKey::private_material() const {
  if (!is_asymmetric(algorithm_)) return std::string(secret_->view());
  const BioPtr bio(BIO_new(BIO_s_mem()));
  if (PEM_write_bio_PrivateKey(bio.get(), pkey_.get(), nullptr, nullptr, 0, nullptr, nullptr) !=
      1) {
    throw std::runtime_error("cannot encode private key: " + detail::take_openssl_error());
  }
  return bio_contents(bio.get());
}

}  // namespace smlapi::auth
