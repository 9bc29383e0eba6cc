#include "auth/token_error.h"

#include <stdexcept>
#include <string>

#include <boost/throw_exception.hpp>

namespace smlapi::auth {

std::string_view to_string(TokenError error) noexcept {
  switch (error) {
    case TokenError::malformed:
      return "malformed";
    case TokenError::too_large:
      return "too_large";
    case TokenError::bad_base64:
      return "bad_base64";
    case TokenError::bad_json:
      return "bad_json";
    case TokenError::duplicate_claim:
      return "duplicate_claim";
    case TokenError::unsupported_alg:
      return "unsupported_alg";
    case TokenError::alg_mismatch:
      return "alg_mismatch";
    case TokenError::unknown_kid:
      return "unknown_kid";
    case TokenError::forbidden_header:
      return "forbidden_header";
    case TokenError::bad_typ:
      return "bad_typ";
    case TokenError::bad_signature:
      return "bad_signature";
    case TokenError::expired:
      return "expired";
    case TokenError::not_yet_valid:
      return "not_yet_valid";
    case TokenError::issued_in_future:
      return "issued_in_future";
    case TokenError::wrong_issuer:
      return "wrong_issuer";
    case TokenError::wrong_audience:
      return "wrong_audience";
    case TokenError::missing_claim:
      return "missing_claim";
  }
  return "unknown";
}

std::string_view describe(TokenError error) noexcept {
  switch (error) {
    case TokenError::expired:
      return "The access token expired";
    case TokenError::not_yet_valid:
    case TokenError::issued_in_future:
      return "The access token is not valid yet";
    case TokenError::wrong_issuer:
    case TokenError::wrong_audience:
      return "The access token is not meant for this service";
    case TokenError::too_large:
      return "The access token is too large";
    default:
      return "The access token is invalid";
  }
}

void throw_exception_from_error(TokenError error, const boost::source_location& location) {
  boost::throw_with_location(std::runtime_error("token rejected: " + std::string(to_string(error))),
                             location);
}

}  // namespace smlapi::auth
