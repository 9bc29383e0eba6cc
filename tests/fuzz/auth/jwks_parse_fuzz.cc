// Arbitrary bytes as an external issuer's JWKS. Invariants: parsing never crashes; an accepted
// set has at least one key, at most kMaxJwksKeys, unique kids, and only RS256/ES256 keys that
// KeySet accepts.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <set>
#include <string>
#include <string_view>

#include "auth/federation/jwks.h"
#include "auth/key_set.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using smlapi::auth::Algorithm;
  static constexpr std::array<Algorithm, 2> kAlgorithms = {Algorithm::RS256, Algorithm::ES256};
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  static simdjson::dom::parser parser;
  auto parsed = smlapi::auth::federation::parse_jwks(parser, input, kAlgorithms);
  if (!parsed) return 0;
  if (parsed->keys.empty() || parsed->keys.size() > smlapi::auth::federation::kMaxJwksKeys) {
    std::abort();
  }
  std::set<std::string> kids;
  for (const auto& key : parsed->keys) {
    if (key.algorithm() != Algorithm::RS256 && key.algorithm() != Algorithm::ES256) std::abort();
    if (!kids.insert(key.kid()).second) std::abort();
  }
  if (!smlapi::auth::KeySet::create(std::move(parsed->keys), std::nullopt)) std::abort();
  return 0;
}
