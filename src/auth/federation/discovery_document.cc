#include "auth/federation/discovery_document.h"

#include "auth/json_object.h"

namespace smlapi::auth::federation {

std::string discovery_url_of(std::string_view issuer) {
  std::string url(issuer);
  if (url.ends_with('/')) url.pop_back();
  url.append("/.well-known/openid-configuration");
  return url;
}

boost::system::result<DiscoveryDocument, Error> parse_discovery_document(
    simdjson::dom::parser& parser, std::string_view json, std::string_view expected_issuer) {
  if (json.size() > kMaxDiscoveryBytes) return Error{"discovery document is too large"};
  auto object = parse_unique_object(parser, json);
  if (!object) return Error{"discovery document is not a JSON object without duplicate members"};

  std::string_view issuer;
  if ((*object)["issuer"].get_string().get(issuer) != simdjson::SUCCESS) {
    return Error{"discovery document has no issuer"};
  }
  if (issuer != expected_issuer) {
    return Error{"discovery document names another issuer than the one configured"};
  }
  std::string_view jwks_uri;
  if ((*object)["jwks_uri"].get_string().get(jwks_uri) != simdjson::SUCCESS) {
    return Error{"discovery document has no jwks_uri"};
  }
  auto url = parse_https_url(jwks_uri);
  if (!url) return Error{"discovery document's jwks_uri: " + url.error().message};
  return DiscoveryDocument{std::string(issuer), std::move(url).value()};
}

}  // namespace smlapi::auth::federation
