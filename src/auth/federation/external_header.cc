#include "auth/federation/external_header.h"

#include <algorithm>

#include "auth/json_object.h"

namespace smlapi::auth::federation {

bool accepts_typ(const TrustedIssuer& issuer, const std::string_view* typ) {
  if (typ == nullptr) return issuer.allow_missing_typ;
  return std::any_of(issuer.typs.begin(), issuer.typs.end(), [typ](const std::string& accepted) {
    return equals_ignoring_ascii_case(*typ, accepted);
  });
}

boost::system::result<JoseHeader, TokenError> parse_external_header(simdjson::dom::parser& parser,
                                                                    std::string_view json,
                                                                    const TrustedIssuer& issuer) {
  auto object = parse_unique_object(parser, json);
  if (!object) {
    return object.error() == JsonObjectError::duplicate_member ? TokenError::duplicate_claim
                                                               : TokenError::bad_json;
  }
  for (const auto member : *object) {
    if (is_forbidden_header_member(member.key)) return TokenError::forbidden_header;
  }

  std::string_view alg_name;
  if ((*object)["alg"].get_string().get(alg_name) != simdjson::SUCCESS) {
    return TokenError::unsupported_alg;
  }
  const auto algorithm = parse_algorithm(alg_name);
  if (!algorithm || std::find(issuer.algorithms.begin(), issuer.algorithms.end(), *algorithm) ==
                        issuer.algorithms.end()) {
    return TokenError::unsupported_alg;
  }

  const auto typ_member = (*object)["typ"];
  std::string_view typ;
  if (typ_member.error() == simdjson::SUCCESS) {
    if (typ_member.get_string().get(typ) != simdjson::SUCCESS) return TokenError::bad_typ;
    if (!accepts_typ(issuer, &typ)) return TokenError::bad_typ;
  } else if (!accepts_typ(issuer, nullptr)) {
    return TokenError::bad_typ;
  }

  std::string_view kid;
  if ((*object)["kid"].get_string().get(kid) != simdjson::SUCCESS) return TokenError::unknown_kid;
  return JoseHeader{*algorithm, std::string(kid)};
}

}  // namespace smlapi::auth::federation
