// Arbitrary bytes as a --trusted-issuers file. Invariants: parsing never crashes; every issuer
// it accepts passes validate() and has an audience or an allowed client (no configuration that
// parses can switch the audience check off).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "auth/federation/trusted_issuer.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  static simdjson::dom::parser parser;
  const auto issuers = smlapi::auth::federation::parse_trusted_issuers(parser, input);
  if (!issuers) return 0;
  for (const auto& issuer : *issuers) {
    if (!smlapi::auth::federation::validate(issuer)) std::abort();
    if (issuer.audiences.empty() && issuer.allowed_clients.empty()) std::abort();
  }
  return 0;
}
