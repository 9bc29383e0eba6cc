// Triton's binary tensor data extension (also KServe's): a request body may be a JSON header of
// `Inference-Header-Content-Length` bytes followed by tensors' raw bytes, each input naming its
// share with the `binary_data_size` parameter; outputs asked for with `binary_data: true` (or
// the request parameter `binary_data_output: true`) come back the same way. Tritonclient and
// KServe's clients use it by default. Pure byte handling, no I/O.
//
// Wire format (little-endian, row-major, no padding): a BYTES element is a 4-byte unsigned
// length followed by that many bytes; an FP64 element 8 bytes (IEEE 754); INT64 8 bytes.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include <boost/system/result.hpp>

#include "oip/error.h"

namespace smlapi::oip {

inline constexpr std::string_view kInferenceHeaderContentLength = "Inference-Header-Content-Length";
// How GET /v2 names the extension.
inline constexpr std::string_view kBinaryTensorDataExtension = "binary_tensor_data";

struct BinaryBody {
  std::string_view json;    // the inference request header
  std::string_view binary;  // the tensors' bytes, in the order of the inputs that use them
};

// Splits a body by the Inference-Header-Content-Length value (decimal, at most the body's
// length; 0 is not a JSON header).
boost::system::result<BinaryBody, OipError> split_binary_body(std::string_view body,
                                                              std::string_view header_length);

// The `expected` BYTES elements of a binary tensor, as views into `blob`, which they must fill
// exactly.
boost::system::result<void, OipError> decode_bytes_elements(std::string_view blob,
                                                            std::size_t expected,
                                                            std::vector<std::string_view>& out);

// One BYTES element as the extension writes it (what clients and tests send).
void append_bytes_element(std::string& out, std::string_view bytes);
void append_fp64(std::string& out, double value);
void append_int64(std::string& out, long long value);

}  // namespace smlapi::oip
