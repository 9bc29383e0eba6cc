// Rendering of an inference response (Open Inference Protocol REST, $inference_response).
//
// Each output is a tensor of shape [N] holding one value per input text, in input order:
//   {"model_name":"vader","model_version":"v","id":"42","outputs":[
//     {"name":"neg","datatype":"FP64","shape":[2],"data":[0.0,0.5]}, ...]}
// `id` appears only when the request had one; `model_version` only when non-empty. Numbers are
// written by the service's one JSON writer (common/json_writer.h); INT64 outputs as integers.
//
// Language warnings and explanations (docs/api.md), never changing the model's outputs:
//   - when any text has a warning, the response's "parameters" (the protocol's place for
//     extra information; its values are scalars) say which: {"warnings":"low_coverage"}, the
//     names found over all texts, comma-separated;
//   - with the request parameter "explain": true, three more tensors follow the model's:
//     {"name":"coverage","datatype":"FP64","shape":[N],"data":[..]}    share of known tokens
//     {"name":"warnings","datatype":"BYTES","shape":[N],"data":["low_coverage",""]}
//     {"name":"explanation","datatype":"BYTES","shape":[N],"data":["{\"tokens\":..}",..]}
//     (each warnings element a comma-separated list, "" for none). Without "explain" the
//     outputs are exactly the model's, as the protocol's clients expect.
#pragma once

#include "model/model.h"

#include <cstddef>
#include <cstdint>
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

// The language check of each text and, when asked for, its explanation (one JSON text each).
struct ReadingOutputs {
  bool explain = false;
  std::span<const double> coverage;                // one per text
  std::span<const std::uint8_t> warnings;          // model::Warning bits, one per text
  std::span<const std::string_view> explanations;  // one per text when explain
};

// `values` holds one row per text, `row_width` values per row (every output of the model,
// in declaration order); only the columns in `outputs` are rendered, in that order.
std::string render_infer_response(std::string_view model_name, std::string_view model_version,
                                  std::optional<std::string_view> id,
                                  std::span<const OutputColumn> outputs,
                                  std::span<const double> values, std::size_t row_width,
                                  const ReadingOutputs& reading = {});

// The same with binary outputs (OutputColumn::binary): their bytes are appended to `binary`, in
// output order (the body is then the JSON, whose length goes in Inference-Header-Content-Length,
// then `binary`); the reading outputs are always JSON.
std::string render_infer_response(std::string_view model_name, std::string_view model_version,
                                  std::optional<std::string_view> id,
                                  std::span<const OutputColumn> outputs,
                                  std::span<const double> values, std::size_t row_width,
                                  const ReadingOutputs& reading, std::string& binary);

}  // namespace smlapi::oip
