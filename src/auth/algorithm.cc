#include "auth/algorithm.h"

#include <array>
#include <utility>

namespace smlapi::auth {
namespace {

constexpr std::array<std::pair<Algorithm, std::string_view>, 4> kNames{{
    {Algorithm::HS256, "HS256"},
    {Algorithm::RS256, "RS256"},
    {Algorithm::ES256, "ES256"},
    {Algorithm::EdDSA, "EdDSA"},
}};

}  // namespace

std::string_view to_string(Algorithm algorithm) noexcept {
  for (const auto& [candidate, name] : kNames) {
    if (candidate == algorithm) return name;
  }
  return "unknown";
}

std::optional<Algorithm> parse_algorithm(std::string_view name) noexcept {
  for (const auto& [algorithm, candidate] : kNames) {
    if (candidate == name) return algorithm;
  }
  return std::nullopt;
}

}  // namespace smlapi::auth
