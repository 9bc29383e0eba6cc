// Arbitrary bytes as an OIDC discovery document (and as an https URL). Invariants: parsing never
// crashes; an accepted document names exactly the configured issuer and an https jwks_uri whose
// parts are sane; an accepted URL has a host and a target starting with '/'.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "auth/federation/discovery_document.h"
#include "auth/federation/https_url.h"

namespace {

void check_url(const smlapi::auth::federation::HttpsUrl& url) {
  if (url.host.empty() || url.target.empty() || url.target.front() != '/' || url.port == 0) {
    std::abort();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  constexpr std::string_view kIssuer = "https://idp.example/realms/test";
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  static simdjson::dom::parser parser;
  if (const auto document =
          smlapi::auth::federation::parse_discovery_document(parser, input, kIssuer)) {
    if (document->issuer != kIssuer) std::abort();
    check_url(document->jwks_uri);
  }
  if (const auto url = smlapi::auth::federation::parse_https_url(input)) check_url(*url);
  return 0;
}
