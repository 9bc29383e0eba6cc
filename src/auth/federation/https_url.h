// The https URLs federation fetches from (a JWKS, an OIDC discovery document), split into what
// the HTTPS client needs. Only https, a host name or IP literal, an optional port and a path:
// user information, fragments, whitespace and control characters are refused, so a URL read
// from a provider's discovery document cannot smuggle credentials or a second request.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include <boost/system/result.hpp>

#include "auth/error.h"

namespace smlapi::auth::federation {

inline constexpr std::size_t kMaxUrlLength = 2048;

struct HttpsUrl {
  std::string host;  // as written (IPv6 literals without brackets)
  std::uint16_t port = 443;
  std::string target;  // path and query, at least "/"

  std::string authority() const;  // host[:port], for the Host header and logs
};

boost::system::result<HttpsUrl, Error> parse_https_url(std::string_view url);

}  // namespace smlapi::auth::federation
