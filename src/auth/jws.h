// The JWS layer (RFC 7515 compact serialization): splitting a token into its segments, computing
// and checking signatures. It knows nothing about claims or the at+jwt profile; TokenVerifier and
// TokenIssuer build on it.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>

#include <boost/system/result.hpp>

#include "auth/keys.h"
#include "auth/openssl_handles.h"
#include "auth/token_error.h"

namespace smlapi::auth {

// The three segments of a compact JWS, still base64url-encoded, viewing into the token.
struct CompactJws {
  std::string_view header;
  std::string_view payload;
  std::string_view signature;
  std::string_view signing_input;  // header '.' payload: what the signature covers
};

// Exactly three non-empty segments separated by two dots (so JWE, with five, and unsigned
// tokens, with an empty signature, are malformed), each of base64url characters only.
boost::system::result<CompactJws, TokenError> split_compact_jws(std::string_view token);

// The JOSE-form signature (raw bytes) of `signing_input`. Thread-safe. Throws std::runtime_error
// only if OpenSSL fails, which does not happen with a valid key.
std::string sign_jws(const SigningKey& key, std::string_view signing_input);

// "<b64url(header)>.<b64url(payload)>.<b64url(signature)>"
std::string make_compact_jws(const SigningKey& key, std::string_view header_json,
                             std::string_view payload_json);

// Checks signatures with the key's own algorithm. HMAC comparison is constant-time
// (CRYPTO_memcmp), ES256 signatures are range-checked, RS256 signatures must have the modulus
// length.
//
// NOT thread-safe: it keeps a ready HMAC context per HS256 key and one digest context, reused
// across calls (about 5x faster for HS256 than one-shot HMAC). Use one instance per thread.
class SignatureVerifier {
 public:
  SignatureVerifier();

  bool verify(const VerificationKey& key, std::string_view signing_input,
              std::string_view signature);

 private:
  struct HmacState {
    std::shared_ptr<const detail::SecretBytes> secret;  // keeps the map key's address unique
    detail::MacCtxPtr context;
  };

  bool verify_hs256(const VerificationKey& key, std::string_view signing_input,
                    std::string_view signature);
  bool verify_digest_signature(const VerificationKey& key, std::string_view signing_input,
                               std::string_view signature);
  EVP_MAC_CTX* hmac_context_for(const VerificationKey& key);

  detail::MacPtr hmac_;
  detail::MdPtr sha256_;  // fetched once: EVP_sha256() would be looked up on every call
  detail::MdCtxPtr digest_context_;
  std::unordered_map<const detail::SecretBytes*, HmacState> hmac_states_;
};

}  // namespace smlapi::auth
