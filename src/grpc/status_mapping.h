// How an internal HTTP answer becomes a gRPC status: the code for its HTTP status, and the
// message its JSON error carries. Pure: the gRPC library is not needed to decide either.
#pragma once

#include <string>
#include <string_view>

namespace smlapi::grpc_api {

// gRPC's status codes (grpc::StatusCode has the same values; the adapter casts).
enum class RpcCode : int {
  ok = 0,
  cancelled = 1,
  unknown = 2,
  invalid_argument = 3,
  deadline_exceeded = 4,
  not_found = 5,
  already_exists = 6,
  permission_denied = 7,
  resource_exhausted = 8,
  failed_precondition = 9,
  aborted = 10,
  out_of_range = 11,
  unimplemented = 12,
  internal = 13,
  unavailable = 14,
  data_loss = 15,
  unauthenticated = 16
};

// 2xx OK; 400/413/415/422 INVALID_ARGUMENT; 401 UNAUTHENTICATED; 403 PERMISSION_DENIED;
// 404 NOT_FOUND; 429 RESOURCE_EXHAUSTED; 503 UNAVAILABLE; anything else INTERNAL.
RpcCode rpc_code_for_http_status(unsigned status) noexcept;

// "INVALID_ARGUMENT", ... (the names gRPC documents; also the metrics label).
std::string_view rpc_code_name(RpcCode code) noexcept;

// The client-facing message of an error answer: its JSON "error" (the /v2 shape) or "detail"
// (every other refusal) string; the status's reason phrase when the body has neither.
std::string error_message(std::string_view json_body, unsigned status);

}  // namespace smlapi::grpc_api
