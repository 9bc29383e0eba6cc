// The OpenID Provider metadata (OpenID Connect Discovery 1.0, RFC 8414) this service reads:
// only `issuer` and `jwks_uri`. Section 4.3 of the discovery spec requires `issuer` to be
// identical to the issuer the document was fetched for, which stops a compromised or confused
// discovery endpoint from pointing us at another issuer's identity; `jwks_uri` must be https
// (the keys decide who can sign, so they never travel in clear).
#pragma once

#include <string>
#include <string_view>

#include <simdjson.h>
#include <boost/system/result.hpp>

#include "auth/error.h"
#include "auth/federation/https_url.h"

namespace smlapi::auth::federation {

inline constexpr std::size_t kMaxDiscoveryBytes = 64 * 1024;

struct DiscoveryDocument {
  std::string issuer;
  HttpsUrl jwks_uri;
};

// The document of `expected_issuer` (compared exactly, byte for byte).
boost::system::result<DiscoveryDocument, Error> parse_discovery_document(
    simdjson::dom::parser& parser, std::string_view json, std::string_view expected_issuer);

// Where the document of `issuer` is published: issuer + "/.well-known/openid-configuration"
// (a trailing '/' of the issuer is not doubled).
std::string discovery_url_of(std::string_view issuer);

}  // namespace smlapi::auth::federation
