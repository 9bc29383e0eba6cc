// Rendering of an inference response (Open Inference Protocol REST, $inference_response).
//
// Each output is a tensor of shape [N] holding one value per input text, in input order:
//   {"model_name":"vader","model_version":"v","id":"42","outputs":[
//     {"name":"neg","datatype":"FP64","shape":[2],"data":[0.0,0.5]}, ...]}
// `id` appears only when the request had one; `model_version` only when non-empty. Numbers are
// written by the service's one JSON writer (common/json_writer.h); INT64 outputs as integers.
#pragma once

#include "model/model.h"

#include <cstddef>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace smlapi::oip {

// One output to render: its declaration and its column in the values matrix.
struct OutputColumn {
  const model::OutputSpec* spec = nullptr;
  std::size_t column = 0;
  // Binary tensor data extension: the values go to the binary part, little-endian, and the
  // JSON output carries "parameters":{"binary_data_size":N} instead of "data".
  bool binary = false;
};

// `values` holds one row per text, `row_width` values per row (every output of the model,
// in declaration order); only the columns in `outputs` are rendered, in that order.
std::string render_infer_response(std::string_view model_name, std::string_view model_version,
                                  std::optional<std::string_view> id,
                                  std::span<const OutputColumn> outputs,
                                  std::span<const double> values, std::size_t row_width);

// The same with binary outputs: their bytes are appended to `binary`, in output order (the body
// is then the JSON, whose length goes in Inference-Header-Content-Length, then `binary`).
std::string render_infer_response(std::string_view model_name, std::string_view model_version,
                                  std::optional<std::string_view> id,
                                  std::span<const OutputColumn> outputs,
                                  std::span<const double> values, std::size_t row_width,
                                  std::string& binary);

}  // namespace smlapi::oip
