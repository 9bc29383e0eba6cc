#include "grpc/status_mapping.h"

#include <simdjson.h>

namespace smlapi::grpc_api {

RpcCode rpc_code_for_http_status(unsigned status) noexcept {
  if (status >= 200 && status < 300) return RpcCode::ok;
  switch (status) {
    case 400:
    case 413:
    case 415:
    case 422:
      return RpcCode::invalid_argument;
    case 401:
      return RpcCode::unauthenticated;
    case 403:
      return RpcCode::permission_denied;
    case 404:
      return RpcCode::not_found;
    case 429:
      return RpcCode::resource_exhausted;
    case 503:
      return RpcCode::unavailable;
    default:
      return RpcCode::internal;
  }
}

std::string_view rpc_code_name(RpcCode code) noexcept {
  static constexpr std::string_view kNames[] = {"OK",
                                                "CANCELLED",
                                                "UNKNOWN",
                                                "INVALID_ARGUMENT",
                                                "DEADLINE_EXCEEDED",
                                                "NOT_FOUND",
                                                "ALREADY_EXISTS",
                                                "PERMISSION_DENIED",
                                                "RESOURCE_EXHAUSTED",
                                                "FAILED_PRECONDITION",
                                                "ABORTED",
                                                "OUT_OF_RANGE",
                                                "UNIMPLEMENTED",
                                                "INTERNAL",
                                                "UNAVAILABLE",
                                                "DATA_LOSS",
                                                "UNAUTHENTICATED"};
  const auto index = static_cast<std::size_t>(code);
  return index < std::size(kNames) ? kNames[index] : std::string_view("UNKNOWN");
}

namespace {

std::string_view generic_message(unsigned status) {
  switch (status) {
    case 400:
      return "Bad Request";
    case 401:
      return "Unauthorized";
    case 403:
      return "Forbidden";
    case 404:
      return "Not Found";
    case 413:
      return "Payload Too Large";
    case 429:
      return "Too Many Requests";
    case 503:
      return "Service Unavailable";
    default:
      return "Internal Server Error";
  }
}

}  // namespace

std::string error_message(std::string_view json_body, unsigned status) {
  simdjson::dom::parser parser;
  simdjson::dom::element root;
  if (parser.parse(json_body.data(), json_body.size(), true).get(root) == simdjson::SUCCESS) {
    for (const char* key : {"error", "detail"}) {
      std::string_view text;
      if (root[key].get_string().get(text) == simdjson::SUCCESS) return std::string(text);
    }
  }
  return std::string(generic_message(status));
}

}  // namespace smlapi::grpc_api
