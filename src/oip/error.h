// Errors of the Open Inference Protocol layer, as values.
//
// The protocol answers every failure with `{"error": "<message>"}` (see render_error in
// responses.h). `message` is written for the client: it names the offending field and the rule
// it broke, never an internal detail (no parser offsets, no library error names).
#pragma once

#include "model/model.h"

#include <string>
#include <string_view>

namespace smlapi::oip {

enum class OipErrorKind {
  bad_request,        // 400: malformed JSON or a request the protocol/model cannot accept
  payload_too_large,  // 413: a size limit of InferLimits was exceeded
  unsupported_media,  // 415: not produced by this library's parser; for the caller's checks
  not_found,          // 404: unknown model or model version
};

struct OipError {
  OipErrorKind kind = OipErrorKind::bad_request;
  std::string message;
};

// The HTTP status code for an error kind (400, 413, 415, 404).
int http_status(OipErrorKind kind) noexcept;

// Ready-made errors for the lookups the caller does (the model registry lives outside this
// library). Messages never echo what the client sent: only names the server itself declares.
OipError unknown_model_error();
OipError unknown_model_version_error(std::string_view model_name);
OipError unknown_output_error(const model::ModelInfo& model);  // lists the model's outputs

}  // namespace smlapi::oip
