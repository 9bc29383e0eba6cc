#include "auth/token_verifier.h"

#include <algorithm>

#include "auth/base64url.h"
#include "auth/claims.h"
#include "auth/jose_header.h"
#include "auth/scopes.h"
#include "auth/token_issuer.h"

namespace smlapi::auth {
namespace {

bool is_present(const std::optional<std::string>& claim) { return claim && !claim->empty(); }

// RFC 9068 section 2.2; an empty sub, jti or client_id counts as missing (an empty jti could
// not be revoked individually).
bool has_required_claims(const Claims& claims) {
  return claims.issuer && is_present(claims.subject) && !claims.audiences.empty() &&
         claims.expires_at && claims.issued_at && is_present(claims.jwt_id) &&
         is_present(claims.client_id);
}

// The namespace of a local token's sub, from its gty claim. A token without gty (issued before
// namespaces existed, at most one token lifetime ago) or with another value is refused rather
// than guessed: guessing "user" would let an old client token named like a user act as that
// user (revoke its tokens, share its rate limit) until it expires.
std::optional<SubjectKind> local_subject_kind(const std::optional<std::string>& grant_type) {
  if (grant_type == kGtyPassword) return SubjectKind::user;
  if (grant_type == kGtyClientCredentials) return SubjectKind::client;
  return std::nullopt;
}

}  // namespace

bool VerifiedToken::has_scope(std::string_view scope) const noexcept {
  return std::find(scopes.begin(), scopes.end(), scope) != scopes.end();
}

boost::system::result<TokenVerifier, Error> TokenVerifier::create(
    std::shared_ptr<const KeySet> keys, VerifierConfig config) {
  if (!keys) return Error{"token verifier: no key set"};
  if (config.issuer.empty()) return Error{"token verifier: issuer must not be empty"};
  if (config.audience.empty()) return Error{"token verifier: audience must not be empty"};
  if (config.leeway_seconds < 0 || config.leeway_seconds > kMaxLeewaySeconds) {
    return Error{"token verifier: leeway must be within [0, 300] seconds"};
  }
  if (config.max_token_bytes < kMinConfigurableTokenBytes ||
      config.max_token_bytes > kMaxConfigurableTokenBytes) {
    return Error{"token verifier: maximum token size must be within [256, 65536] bytes"};
  }
  return TokenVerifier(std::move(keys), std::move(config));
}

TokenVerifier::TokenVerifier(std::shared_ptr<const KeySet> keys, VerifierConfig config)
    : keys_(std::move(keys)), config_(std::move(config)) {}

boost::system::result<VerifiedToken, TokenError> TokenVerifier::verify(std::string_view token,
                                                                       std::int64_t now) {
  if (token.size() > config_.max_token_bytes) return TokenError::too_large;
  auto split = split_compact_jws(token);
  if (!split) return split.error();
  const CompactJws jws = split.value();

  const auto header_json = base64url_decode(jws.header);
  if (!header_json) return TokenError::bad_base64;
  auto parsed_header = parse_access_token_header(parser_, *header_json);
  if (!parsed_header) return parsed_header.error();
  const JoseHeader header = std::move(parsed_header).value();

  const VerificationKey* key = keys_->find(header.kid);
  if (key == nullptr) return TokenError::unknown_kid;
  if (key->algorithm() != header.algorithm) return TokenError::alg_mismatch;

  const auto signature = base64url_decode(jws.signature);
  const auto payload_json = base64url_decode(jws.payload);
  if (!signature || !payload_json) return TokenError::bad_base64;
  if (!signatures_.verify(*key, jws.signing_input, *signature)) return TokenError::bad_signature;

  auto verified = check_claims(*payload_json, now);
  if (verified) verified->kid = key->kid();
  return verified;
}

boost::system::result<VerifiedToken, TokenError> TokenVerifier::check_claims(
    std::string_view payload_json, std::int64_t now) {
  auto parsed = parse_claims(parser_, payload_json);
  if (!parsed) return parsed.error();
  Claims claims = std::move(parsed).value();
  if (!has_required_claims(claims)) return TokenError::missing_claim;
  if (auto times = check_claim_times(claims, now, config_.leeway_seconds); !times)
    return times.error();
  if (claims.issuer != config_.issuer) return TokenError::wrong_issuer;
  const auto& audiences = claims.audiences;
  if (std::find(audiences.begin(), audiences.end(), config_.audience) == audiences.end()) {
    return TokenError::wrong_audience;
  }
  const auto kind = local_subject_kind(claims.grant_type);
  if (!kind) return TokenError::missing_claim;
  return VerifiedToken{
      .kind = *kind,
      .issuer_name = {},
      .subject = std::move(claims.subject).value_or(""),
      .client_id = std::move(claims.client_id).value_or(""),
      .jti = std::move(claims.jwt_id).value_or(""),
      .kid = {},
      .scopes = split_scopes(claims.scope.value_or("")),
      .expires_at = claims.expires_at.value_or(0),
      .issued_at = claims.issued_at.value_or(0),
  };
}

}  // namespace smlapi::auth
