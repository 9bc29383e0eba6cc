// The binary tensor data extension (Triton/KServe: an `Inference-Header-Content-Length` header
// and `binary_data*` parameters) is NOT implemented. Text input is small and JSON strings carry
// it well; a second body format would double the parsing surface exposed to untrusted input.
// Requests that use it are refused with 400 and this message, instead of being misread as JSON.
#pragma once

#include <string_view>

#include "oip/error.h"

namespace smlapi::oip {

inline constexpr std::string_view kInferenceHeaderContentLength = "Inference-Header-Content-Length";

// The error for a request that carries the Inference-Header-Content-Length header (the caller
// checks the header, case-insensitively) or a binary_data parameter (the parser checks those).
OipError binary_extension_unsupported_error();

}  // namespace smlapi::oip
