#include "oip/binary_extension.h"

namespace smlapi::oip {

OipError binary_extension_unsupported_error() {
  return {OipErrorKind::bad_request,
          "the binary tensor data extension is not supported: send the request as JSON only, "
          "with input data as JSON strings and without Inference-Header-Content-Length or "
          "binary_data parameters"};
}

}  // namespace smlapi::oip
