#include "api/errors.h"

#include <algorithm>

#include "common/json_writer.h"

namespace smlapi::api {

namespace {
struct ErrorInfo {
  unsigned status;
  std::string_view kind;
};

ErrorInfo info(ApiError error) {
  switch (error) {
    case ApiError::bad_request:
      return {400, "bad_request"};
    case ApiError::unauthorized:
      return {401, "unauthorized"};
    case ApiError::forbidden:
      return {403, "forbidden"};
    case ApiError::not_found:
      return {404, "not_found"};
    case ApiError::method_not_allowed:
      return {405, "method_not_allowed"};
    case ApiError::request_timeout:
      return {408, "timeout"};
    case ApiError::length_required:
      return {411, "length_required"};
    case ApiError::payload_too_large:
      return {413, "payload_too_large"};
    case ApiError::uri_too_long:
      return {414, "uri_too_long"};
    case ApiError::unsupported_media_type:
      return {415, "unsupported_media_type"};
    case ApiError::validation_failed:
      return {422, "validation"};
    case ApiError::rate_limited:
      return {429, "rate_limited"};
    case ApiError::header_too_large:
      return {431, "header_too_large"};
    case ApiError::internal:
      return {500, "internal"};
    case ApiError::unavailable:
      return {503, "unavailable"};
  }
  return {500, "internal"};
}
}  // namespace

unsigned status_of(ApiError error) { return info(error).status; }

std::string_view kind_of_status(unsigned status) {
  static constexpr ApiError kAll[] = {
      ApiError::bad_request,        ApiError::unauthorized,
      ApiError::forbidden,          ApiError::not_found,
      ApiError::method_not_allowed, ApiError::request_timeout,
      ApiError::length_required,    ApiError::payload_too_large,
      ApiError::uri_too_long,       ApiError::unsupported_media_type,
      ApiError::validation_failed,  ApiError::rate_limited,
      ApiError::header_too_large,   ApiError::internal,
      ApiError::unavailable};
  for (ApiError error : kAll) {
    if (info(error).status == status) return info(error).kind;
  }
  return status >= 500 ? "internal" : "bad_request";
}
std::string_view kind_of(ApiError error) { return info(error).kind; }

void set_error(http::Response& response, ApiError error, std::string_view detail) {
  response.status = status_of(error);
  response.content_type = "application/json";
  response.body.assign("{\"detail\":");
  json::append_string(response.body, detail);
  response.body.push_back('}');
}

namespace {

void append_issue(std::string& out, const ValidationIssue& issue) {
  out.append("{\"type\":");
  json::append_string(out, issue.type);
  out.append(",\"loc\":[");
  bool first = true;
  for (const auto& part : issue.loc) {
    if (!first) out.push_back(',');
    first = false;
    if (const auto* name = std::get_if<std::string>(&part)) {
      json::append_string(out, *name);
    } else {
      json::append_integer(out, static_cast<long long>(std::get<std::size_t>(part)));
    }
  }
  out.append("],\"msg\":");
  json::append_string(out, issue.msg);
  out.push_back('}');
}

}  // namespace

void set_validation_error(http::Response& response, std::span<const ValidationIssue> issues) {
  response.status = 422;
  response.content_type = "application/json";
  std::string& out = response.body;
  out.assign("{\"detail\":[");
  const std::size_t count = std::min(issues.size(), kMaxValidationIssues);
  for (std::size_t i = 0; i < count; ++i) {
    if (i != 0) out.push_back(',');
    append_issue(out, issues[i]);
  }
  out.append("]}");
}

void set_validation_error(http::Response& response, const ValidationIssue& issue) {
  set_validation_error(response, std::span<const ValidationIssue>(&issue, 1));
}

}  // namespace smlapi::api
