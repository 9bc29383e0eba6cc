#include "auth/token_issuer.h"

#include "auth/jws.h"
#include "auth/random.h"
#include "auth/scopes.h"
#include "common/json_writer.h"

namespace smlapi::auth {
namespace {

std::string make_header_json(const SigningKey& key) {
  std::string out = "{\"alg\":";
  json::append_string(out, to_string(key.algorithm()));
  out += ",\"typ\":\"at+jwt\",\"kid\":";
  json::append_string(out, key.kid());
  out += '}';
  return out;
}

void append_string_claim(std::string& out, std::string_view name, std::string_view value) {
  if (out.size() > 1) out += ',';
  json::append_string(out, name);
  out += ':';
  json::append_string(out, value);
}

void append_number_claim(std::string& out, std::string_view name, std::int64_t value) {
  if (out.size() > 1) out += ',';
  json::append_string(out, name);
  out += ':';
  out += std::to_string(value);
}

}  // namespace

boost::system::result<TokenIssuer, Error> TokenIssuer::create(IssuerConfig config,
                                                              SigningKey signing_key) {
  if (config.issuer.empty()) return Error{"token issuer: issuer must not be empty"};
  if (config.audience.empty()) return Error{"token issuer: audience must not be empty"};
  if (config.lifetime_seconds < kMinTokenLifetimeSeconds ||
      config.lifetime_seconds > kMaxTokenLifetimeSeconds) {
    return Error{"token issuer: lifetime must be within [60, 3600] seconds"};
  }
  return TokenIssuer(std::move(config), std::move(signing_key));
}

TokenIssuer::TokenIssuer(IssuerConfig config, SigningKey signing_key)
    : header_json_(make_header_json(signing_key)),
      config_(std::move(config)),
      signing_key_(std::move(signing_key)) {}

IssuedToken TokenIssuer::issue(std::string_view subject, std::string_view client_id,
                               const std::vector<std::string>& scopes, std::int64_t now,
                               TokenGrant grant) const {
  IssuedToken issued;
  issued.jti = random_token(kJtiRandomBytes);
  issued.scope = join_scopes(scopes);
  issued.issued_at = now;
  issued.expires_in = config_.lifetime_seconds;
  issued.expires_at = now + config_.lifetime_seconds;

  std::string claims = "{";
  append_string_claim(claims, "iss", config_.issuer);
  append_string_claim(claims, "sub", subject);
  append_string_claim(claims, "aud", config_.audience);
  append_number_claim(claims, "iat", now);
  append_number_claim(claims, "nbf", now);
  append_number_claim(claims, "exp", issued.expires_at);
  append_string_claim(claims, "jti", issued.jti);
  append_string_claim(claims, "scope", issued.scope);
  append_string_claim(claims, "client_id", client_id);
  append_string_claim(
      claims, "gty",
      grant == TokenGrant::client_credentials ? kGtyClientCredentials : kGtyPassword);
  claims += '}';

  issued.access_token = make_compact_jws(signing_key_, header_json_, claims);
  return issued;
}

}  // namespace smlapi::auth
