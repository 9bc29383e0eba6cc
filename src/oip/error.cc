#include "oip/error.h"

namespace smlapi::oip {

int http_status(OipErrorKind kind) noexcept {
  switch (kind) {
    case OipErrorKind::bad_request:
      return 400;
    case OipErrorKind::payload_too_large:
      return 413;
    case OipErrorKind::unsupported_media:
      return 415;
    case OipErrorKind::not_found:
      return 404;
  }
  return 400;
}

OipError unknown_model_error() {
  return {OipErrorKind::not_found, "unknown model: GET /v2/models lists the models served here"};
}

OipError unknown_model_version_error(std::string_view model_name) {
  return {OipErrorKind::not_found, "unknown model version: GET /v2/models/" +
                                       std::string(model_name) + " lists the available versions"};
}

OipError unknown_output_error(const model::ModelInfo& model) {
  std::string message = "unknown output name: the outputs are ";
  for (std::size_t i = 0; i < model.outputs.size(); ++i) {
    if (i != 0) message += ", ";
    message += model.outputs[i].name;
  }
  return {OipErrorKind::bad_request, std::move(message)};
}

}  // namespace smlapi::oip
