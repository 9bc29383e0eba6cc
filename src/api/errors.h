// Every error the API answers with, and the one table that maps it to an HTTP
// status. Bodies follow the reference design (FastAPI): {"detail": "..."} and,
// for validation, {"detail": [{"loc": [...], "msg": "...", "type": "..."}]}.
#pragma once

#include "http/response.h"

#include <cstddef>
#include <initializer_list>
#include <span>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace smlapi::api {

enum class ApiError {
  bad_request,             // 400
  unauthorized,            // 401
  forbidden,               // 403
  not_found,               // 404
  method_not_allowed,      // 405 (+ Allow)
  request_timeout,         // 408
  length_required,         // 411
  payload_too_large,       // 413
  uri_too_long,            // 414
  unsupported_media_type,  // 415
  validation_failed,       // 422
  rate_limited,            // 429
  header_too_large,        // 431
  internal,                // 500
  unavailable,             // 503
};

unsigned status_of(ApiError error);
std::string_view kind_of(ApiError error);  // metrics label / log field
// The kind_of() name for an answer's status (errors_total{kind}).
std::string_view kind_of_status(unsigned status);

// One entry of a 422 answer. `loc` elements are field names or array indexes.
struct ValidationIssue {
  std::string type;  // machine-readable, e.g. "missing", "string_type", "extra_forbidden"
  std::string msg;
  std::vector<std::variant<std::string, std::size_t>> loc;
};

// Every issue a refused body has, in the order they were found. Bounded: a body with more
// (a batch of 256 wrong texts) reports the first kMaxValidationIssues.
using ValidationIssues = std::vector<ValidationIssue>;
inline constexpr std::size_t kMaxValidationIssues = 32;

void set_error(http::Response& response, ApiError error, std::string_view detail);
// A 422 listing `issues` (the first kMaxValidationIssues of them).
void set_validation_error(http::Response& response, std::span<const ValidationIssue> issues);
void set_validation_error(http::Response& response, const ValidationIssue& issue);

}  // namespace smlapi::api
