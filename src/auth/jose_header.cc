#include "auth/jose_header.h"

#include <algorithm>
#include <array>

#include "auth/json_object.h"

namespace smlapi::auth {
namespace {

constexpr std::array<std::string_view, 5> kForbiddenMembers = {"jku", "x5u", "jwk", "x5c", "crit"};

bool equals_ignoring_case(std::string_view a, std::string_view b) noexcept {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           const auto lower = [](char c) {
             return (c >= 'A' && c <= 'Z') ? char(c - 'A' + 'a') : c;
           };
           return lower(x) == lower(y);
         });
}

bool is_forbidden_member(std::string_view name) {
  return std::find(kForbiddenMembers.begin(), kForbiddenMembers.end(), name) !=
         kForbiddenMembers.end();
}

}  // namespace

bool equals_ignoring_ascii_case(std::string_view a, std::string_view b) noexcept {
  return equals_ignoring_case(a, b);
}

bool is_forbidden_header_member(std::string_view name) { return is_forbidden_member(name); }

bool is_access_token_type(std::string_view typ) noexcept {
  return equals_ignoring_case(typ, "at+jwt") || equals_ignoring_case(typ, "application/at+jwt");
}

boost::system::result<JoseHeader, TokenError> parse_access_token_header(
    simdjson::dom::parser& parser, std::string_view json) {
  auto object = parse_unique_object(parser, json);
  if (!object) {
    return object.error() == JsonObjectError::duplicate_member ? TokenError::duplicate_claim
                                                               : TokenError::bad_json;
  }
  for (const auto member : *object) {
    if (is_forbidden_member(member.key)) return TokenError::forbidden_header;
  }

  std::string_view alg_name;
  if ((*object)["alg"].get_string().get(alg_name) != simdjson::SUCCESS) {
    return TokenError::unsupported_alg;
  }
  const auto algorithm = parse_algorithm(alg_name);
  if (!algorithm) return TokenError::unsupported_alg;

  std::string_view typ;
  if ((*object)["typ"].get_string().get(typ) != simdjson::SUCCESS || !is_access_token_type(typ)) {
    return TokenError::bad_typ;
  }

  std::string_view kid;
  if ((*object)["kid"].get_string().get(kid) != simdjson::SUCCESS) return TokenError::unknown_kid;
  return JoseHeader{*algorithm, std::string(kid)};
}

}  // namespace smlapi::auth
