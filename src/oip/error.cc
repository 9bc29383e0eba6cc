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
  return {OipErrorKind::not_found, "unknown model: this server serves the model 'vader'"};
}

OipError unknown_model_version_error() {
  return {OipErrorKind::not_found,
          "unknown model version: GET /v2/models/vader lists the available versions"};
}

}  // namespace smlapi::oip
