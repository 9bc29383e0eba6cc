#include "auth/federation/federated_verifier.h"

#include <algorithm>
#include <set>

#include "auth/base64url.h"
#include "auth/claims.h"
#include "auth/ecdsa_signature.h"
#include "auth/federation/claim_mapping.h"
#include "auth/federation/external_header.h"
#include "auth/json_object.h"

namespace smlapi::auth::federation {
namespace {

bool is_member(const std::vector<std::string>& allowed, std::string_view value) {
  return std::find(allowed.begin(), allowed.end(), value) != allowed.end();
}

bool has_allowed_audience(const Claims& claims, const TrustedIssuer& issuer) {
  return std::any_of(
      claims.audiences.begin(), claims.audiences.end(),
      [&](const std::string& audience) { return is_member(issuer.audiences, audience); });
}

// Subjects go into logs, metrics labels and rate-limit keys: printable and bounded.
bool is_usable_subject(const std::optional<std::string>& subject) {
  return subject && !subject->empty() && subject->size() <= kMaxExternalSubjectBytes &&
         std::all_of(subject->begin(), subject->end(),
                     [](char c) { return static_cast<unsigned char>(c) >= 0x20 && c != 0x7f; });
}

}  // namespace

boost::system::result<FederatedVerifier, Error> FederatedVerifier::create(
    std::vector<TrustedIssuer> issuers, std::int64_t leeway_seconds, std::size_t max_token_bytes) {
  if (issuers.empty() || issuers.size() > kMaxTrustedIssuers) {
    return Error{"federation: expected 1-16 trusted issuers"};
  }
  std::set<std::string, std::less<>> names;
  std::set<std::string, std::less<>> issuer_ids;
  for (const TrustedIssuer& issuer : issuers) {
    if (auto valid = validate(issuer); !valid) return valid.error();
    if (!names.insert(issuer.name).second || !issuer_ids.insert(issuer.issuer).second) {
      return Error{"federation: trusted issuer names and issuers must be unique"};
    }
  }
  if (leeway_seconds < 0 || leeway_seconds > kMaxLeewaySeconds) {
    return Error{"federation: leeway must be within [0, 300] seconds"};
  }
  if (max_token_bytes < kMinConfigurableTokenBytes ||
      max_token_bytes > kMaxConfigurableTokenBytes) {
    return Error{"federation: maximum token size must be within [256, 65536] bytes"};
  }
  return FederatedVerifier(std::move(issuers), leeway_seconds, max_token_bytes);
}

FederatedVerifier::FederatedVerifier(std::vector<TrustedIssuer> issuers,
                                     std::int64_t leeway_seconds, std::size_t max_token_bytes)
    : issuers_(std::move(issuers)),
      leeway_seconds_(leeway_seconds),
      max_token_bytes_(max_token_bytes) {}

std::optional<std::string_view> FederatedVerifier::claimed_issuer(std::string_view token) {
  if (token.size() > max_token_bytes_) return std::nullopt;
  const auto split = split_compact_jws(token);
  if (!split) return std::nullopt;
  const auto payload = base64url_decode(split->payload);
  if (!payload) return std::nullopt;
  std::string_view iss;
  if (parser_.parse(payload->data(), payload->size())["iss"].get_string().get(iss) !=
      simdjson::SUCCESS) {
    return std::nullopt;
  }
  peeked_issuer_.assign(iss.data(), iss.size());
  return std::string_view(peeked_issuer_);
}

std::optional<std::size_t> FederatedVerifier::find_issuer(std::string_view iss) const {
  for (std::size_t i = 0; i < issuers_.size(); ++i) {
    if (issuers_[i].issuer == iss) return i;
  }
  return std::nullopt;
}

boost::system::result<VerifiedToken, TokenError> FederatedVerifier::verify(std::string_view token,
                                                                           std::size_t index,
                                                                           const KeySet& keys,
                                                                           std::int64_t now) {
  if (token.size() > max_token_bytes_) return TokenError::too_large;
  const TrustedIssuer& issuer = issuers_.at(index);
  auto split = split_compact_jws(token);
  if (!split) return split.error();
  const CompactJws jws = split.value();

  const auto header_json = base64url_decode(jws.header);
  if (!header_json) return TokenError::bad_base64;
  auto parsed_header = parse_external_header(parser_, *header_json, issuer);
  if (!parsed_header) return parsed_header.error();
  const JoseHeader header = std::move(parsed_header).value();

  const VerificationKey* key = keys.find(header.kid);
  if (key == nullptr) return TokenError::unknown_kid;
  if (key->algorithm() != header.algorithm) return TokenError::alg_mismatch;

  auto signature = base64url_decode(jws.signature);
  const auto payload_json = base64url_decode(jws.payload);
  if (!signature || !payload_json) return TokenError::bad_base64;
  // Providers' ECDSA signers use either half of s; ours verifies the low one only.
  if (key->algorithm() == Algorithm::ES256) {
    signature = es256_jose_low_s(*signature);
    if (!signature) return TokenError::bad_signature;
  }
  if (!signatures_.verify(*key, jws.signing_input, *signature)) return TokenError::bad_signature;

  auto verified = check_claims(*payload_json, issuer, now);
  if (verified) verified->kid = key->kid();
  return verified;
}

boost::system::result<VerifiedToken, TokenError> FederatedVerifier::check_claims(
    std::string_view payload_json, const TrustedIssuer& issuer, std::int64_t now) {
  auto parsed = parse_claims(parser_, payload_json);
  if (!parsed) return parsed.error();
  Claims claims = std::move(parsed).value();
  if (!claims.issuer || !claims.expires_at || !is_usable_subject(claims.subject)) {
    return TokenError::missing_claim;
  }
  if (issuer.require_jti && (!claims.jwt_id || claims.jwt_id->empty())) {
    return TokenError::missing_claim;
  }
  if (auto times = check_claim_times(claims, now, leeway_seconds_); !times) return times.error();
  if (claims.issuer != issuer.issuer) return TokenError::wrong_issuer;
  if (!issuer.audiences.empty() && !has_allowed_audience(claims, issuer)) {
    return TokenError::wrong_audience;
  }

  auto object = parse_unique_object(parser_, payload_json);
  if (!object) return TokenError::bad_json;
  auto mapped = map_claims(*object, issuer);
  if (!mapped) return mapped.error();
  if (!issuer.allowed_clients.empty() &&
      (!mapped->client || !is_member(issuer.allowed_clients, *mapped->client))) {
    return TokenError::wrong_audience;
  }
  if (!issuer.token_use.empty() && mapped->token_use != issuer.token_use) {
    return TokenError::bad_typ;
  }
  return VerifiedToken{
      .kind = SubjectKind::external,
      .issuer_name = issuer.name,
      .subject = std::move(claims.subject).value_or(""),
      .client_id = std::move(mapped->client).value_or(""),
      .jti = std::move(claims.jwt_id).value_or(""),
      .kid = {},
      .scopes = std::move(mapped->scopes),
      .expires_at = claims.expires_at.value_or(0),
      .issued_at = claims.issued_at.value_or(0),
  };
}

}  // namespace smlapi::auth::federation
