#include "auth/federation/claim_mapping.h"

#include "auth/scopes.h"

namespace smlapi::auth::federation {
namespace {

using simdjson::dom::element;

// "realm_access.roles" -> the member roles of the object realm_access; nullopt if absent.
std::optional<element> find_claim(simdjson::dom::object claims, std::string_view path) {
  simdjson::dom::object current = claims;
  while (true) {
    const std::size_t dot = path.find('.');
    element value;
    if (current[path.substr(0, dot)].get(value) != simdjson::SUCCESS) return std::nullopt;
    if (dot == std::string_view::npos) return value;
    if (value.get_object().get(current) != simdjson::SUCCESS) return std::nullopt;
    path.remove_prefix(dot + 1);
  }
}

// A space-separated string (RFC 8693 scope, Entra ID scp) or an array of strings (Okta scp,
// roles).
bool read_scopes(element value, std::vector<std::string>& out) {
  std::string_view text;
  if (value.get_string().get(text) == simdjson::SUCCESS) {
    out = split_scopes(text);
    return out.size() <= kMaxExternalScopes;
  }
  simdjson::dom::array array;
  if (value.get_array().get(array) != simdjson::SUCCESS || array.size() > kMaxExternalScopes) {
    return false;
  }
  for (const element item : array) {
    if (item.get_string().get(text) != simdjson::SUCCESS) return false;
    if (!text.empty()) out.emplace_back(text);
  }
  return true;
}

// Only the scopes under `prefix`, without it (see TrustedIssuer::scope_prefix).
std::vector<std::string> strip_prefix(std::vector<std::string> scopes, std::string_view prefix) {
  std::vector<std::string> out;
  for (std::string& scope : scopes) {
    if (scope.size() > prefix.size() && scope.starts_with(prefix)) {
      out.push_back(scope.substr(prefix.size()));
    }
  }
  return out;
}

}  // namespace

boost::system::result<MappedClaims, TokenError> map_claims(simdjson::dom::object claims,
                                                           const TrustedIssuer& issuer) {
  MappedClaims out;
  for (const std::string& name : issuer.scope_claims) {
    const auto value = find_claim(claims, name);
    if (!value) continue;
    if (!read_scopes(*value, out.scopes)) return TokenError::bad_json;
    if (!issuer.scope_prefix.empty())
      out.scopes = strip_prefix(std::move(out.scopes), issuer.scope_prefix);
    break;
  }
  for (const std::string& name : issuer.client_claims) {
    const auto value = find_claim(claims, name);
    if (!value) continue;
    std::string_view client;
    if (value->get_string().get(client) != simdjson::SUCCESS) return TokenError::bad_json;
    out.client = std::string(client);
    break;
  }
  if (const auto value = find_claim(claims, "token_use")) {
    std::string_view use;
    if (value->get_string().get(use) != simdjson::SUCCESS) return TokenError::bad_json;
    out.token_use = std::string(use);
  }
  return out;
}

}  // namespace smlapi::auth::federation
