#include "auth/jws.h"

#include <array>
#include <stdexcept>

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/params.h>

#include "auth/base64url.h"
#include "auth/ecdsa_signature.h"

namespace smlapi::auth {
namespace {

constexpr std::size_t kHs256Bytes = 32;
// Bound the per-verifier cache: key sets are small, but reloads create new secret objects.
constexpr std::size_t kMaxCachedHmacKeys = 32;

const unsigned char* as_uchar(std::string_view text) {
  return reinterpret_cast<const unsigned char*>(text.data());
}

[[noreturn]] void throw_openssl(const char* what) {
  throw std::runtime_error(std::string(what) + ": " + detail::take_openssl_error());
}

std::string sign_hs256(const SigningKey& key, std::string_view signing_input) {
  std::array<unsigned char, kHs256Bytes> mac{};
  std::size_t length = 0;
  const std::string_view secret = key.secret()->view();
  if (EVP_Q_mac(nullptr, "HMAC", nullptr, "SHA256", nullptr, secret.data(), secret.size(),
                as_uchar(signing_input), signing_input.size(), mac.data(), mac.size(),
                &length) == nullptr) {
    throw_openssl("HMAC-SHA256 failed");
  }
  return std::string(reinterpret_cast<const char*>(mac.data()), length);
}

std::string sign_with_pkey(const SigningKey& key, std::string_view signing_input) {
  const detail::MdCtxPtr context(EVP_MD_CTX_new());
  // Ed25519 hashes internally ("pure" EdDSA): no digest is named.
  const EVP_MD* digest = key.algorithm() == Algorithm::EdDSA ? nullptr : EVP_sha256();
  if (!context || EVP_DigestSignInit(context.get(), nullptr, digest, nullptr, key.pkey()) != 1) {
    throw_openssl("signature initialisation failed");
  }
  std::size_t length = 0;
  if (EVP_DigestSign(context.get(), nullptr, &length, as_uchar(signing_input),
                     signing_input.size()) != 1) {
    throw_openssl("signature failed");
  }
  std::string signature(length, '\0');
  if (EVP_DigestSign(context.get(), reinterpret_cast<unsigned char*>(signature.data()), &length,
                     as_uchar(signing_input), signing_input.size()) != 1) {
    throw_openssl("signature failed");
  }
  signature.resize(length);
  return signature;
}

}  // namespace

boost::system::result<CompactJws, TokenError> split_compact_jws(std::string_view token) {
  const std::size_t first_dot = token.find('.');
  if (first_dot == std::string_view::npos) return TokenError::malformed;
  const std::size_t second_dot = token.find('.', first_dot + 1);
  if (second_dot == std::string_view::npos) return TokenError::malformed;
  if (token.find('.', second_dot + 1) != std::string_view::npos) return TokenError::malformed;

  CompactJws jws{
      .header = token.substr(0, first_dot),
      .payload = token.substr(first_dot + 1, second_dot - first_dot - 1),
      .signature = token.substr(second_dot + 1),
      .signing_input = token.substr(0, second_dot),
  };
  if (jws.header.empty() || jws.payload.empty() || jws.signature.empty()) {
    return TokenError::malformed;
  }
  return jws;
}

std::string sign_jws(const SigningKey& key, std::string_view signing_input) {
  switch (key.algorithm()) {
    case Algorithm::HS256:
      return sign_hs256(key, signing_input);
    case Algorithm::ES256: {
      auto jose = es256_der_to_jose(sign_with_pkey(key, signing_input));
      if (!jose) throw std::runtime_error("ECDSA signature has an unexpected form");
      return *std::move(jose);
    }
    case Algorithm::RS256:
    case Algorithm::EdDSA:
      return sign_with_pkey(key, signing_input);
  }
  throw std::logic_error("unknown algorithm");
}

std::string make_compact_jws(const SigningKey& key, std::string_view header_json,
                             std::string_view payload_json) {
  std::string token = base64url_encode(header_json);
  token += '.';
  token += base64url_encode(payload_json);
  const std::string signature = sign_jws(key, token);
  token += '.';
  token += base64url_encode(signature);
  return token;
}

SignatureVerifier::SignatureVerifier()
    : hmac_(EVP_MAC_fetch(nullptr, "HMAC", nullptr)),
      sha256_(EVP_MD_fetch(nullptr, "SHA256", nullptr)),
      digest_context_(EVP_MD_CTX_new()) {
  if (!hmac_ || !sha256_ || !digest_context_) throw_openssl("cannot create signature contexts");
}

bool SignatureVerifier::verify(const VerificationKey& key, std::string_view signing_input,
                               std::string_view signature) {
  if (key.algorithm() == Algorithm::HS256) return verify_hs256(key, signing_input, signature);
  return verify_digest_signature(key, signing_input, signature);
}

EVP_MAC_CTX* SignatureVerifier::hmac_context_for(const VerificationKey& key) {
  const auto& secret = key.secret();
  if (auto found = hmac_states_.find(secret.get()); found != hmac_states_.end()) {
    return found->second.context.get();
  }
  if (hmac_states_.size() >= kMaxCachedHmacKeys) hmac_states_.clear();

  detail::MacCtxPtr context(EVP_MAC_CTX_new(hmac_.get()));
  std::array<char, 7> digest_name{"SHA256"};
  const std::array<OSSL_PARAM, 2> params{
      OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, digest_name.data(), 0),
      OSSL_PARAM_construct_end()};
  const std::string_view bytes = secret->view();
  if (!context || EVP_MAC_init(context.get(), as_uchar(bytes), bytes.size(), params.data()) != 1) {
    throw_openssl("cannot initialise HMAC");
  }
  EVP_MAC_CTX* raw = context.get();
  hmac_states_.emplace(secret.get(), HmacState{secret, std::move(context)});
  return raw;
}

bool SignatureVerifier::verify_hs256(const VerificationKey& key, std::string_view signing_input,
                                     std::string_view signature) {
  if (signature.size() != kHs256Bytes) return false;
  EVP_MAC_CTX* context = hmac_context_for(key);
  std::array<unsigned char, kHs256Bytes> expected{};
  std::size_t length = 0;
  // Re-initialising without a key restarts the MAC with the key already loaded: the costly
  // key setup (ipad/opad) happened once, in hmac_context_for().
  if (EVP_MAC_init(context, nullptr, 0, nullptr) != 1 ||
      EVP_MAC_update(context, as_uchar(signing_input), signing_input.size()) != 1 ||
      EVP_MAC_final(context, expected.data(), &length, expected.size()) != 1 ||
      length != kHs256Bytes) {
    detail::take_openssl_error();
    return false;
  }
  // Constant time: a byte-by-byte early exit would let an attacker forge a MAC one byte at a
  // time by timing (CVE-2024-25189 class).
  return CRYPTO_memcmp(expected.data(), signature.data(), kHs256Bytes) == 0;
}

bool SignatureVerifier::verify_digest_signature(const VerificationKey& key,
                                                std::string_view signing_input,
                                                std::string_view signature) {
  std::string der;
  const EVP_MD* digest = sha256_.get();
  switch (key.algorithm()) {
    case Algorithm::ES256: {
      auto converted = es256_jose_to_der(signature);
      if (!converted) return false;
      der = *std::move(converted);
      signature = der;
      break;
    }
    case Algorithm::RS256:
      if (signature.size() != static_cast<std::size_t>(EVP_PKEY_get_size(key.pkey()))) return false;
      break;
    case Algorithm::EdDSA:
      if (signature.size() != 64) return false;
      digest = nullptr;
      break;
    case Algorithm::HS256:
      return false;
  }
  EVP_MD_CTX* context = digest_context_.get();
  EVP_MD_CTX_reset(context);
  const bool valid = EVP_DigestVerifyInit(context, nullptr, digest, nullptr, key.pkey()) == 1 &&
                     EVP_DigestVerify(context, as_uchar(signature), signature.size(),
                                      as_uchar(signing_input), signing_input.size()) == 1;
  if (!valid) detail::take_openssl_error();
  return valid;
}

}  // namespace smlapi::auth
