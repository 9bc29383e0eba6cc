// The extension header fields the API asks the HTTP layer to keep (http::Handler::kept_fields),
// and where each lands in http::Request::kept. The HTTP layer itself knows only standard fields.
#pragma once

#include "http/request.h"

#include <array>
#include <cstddef>
#include <string_view>

namespace smlapi::api {

enum class KeptField : std::size_t {
  request_id,                       // X-Request-ID: echoed and logged when well-formed
  inference_header_content_length,  // OIP binary tensor data extension (oip/binary_extension.h)
  traceparent,                      // W3C Trace Context (api/request_tracing.h)
  tracestate,
  count_
};

inline constexpr std::array<std::string_view, static_cast<std::size_t>(KeptField::count_)>
    kKeptFieldNames = {"x-request-id", "inference-header-content-length", "traceparent",
                       "tracestate"};
static_assert(kKeptFieldNames.size() <= http::kMaxKeptFields);

inline std::string_view kept_field(const http::Request& request, KeptField field) {
  return request.kept[static_cast<std::size_t>(field)];
}
inline bool has_kept_field(const http::Request& request, KeptField field) {
  return request.has_kept(static_cast<std::size_t>(field));
}

}  // namespace smlapi::api
