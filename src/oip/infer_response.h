// Rendering of an inference response (Open Inference Protocol REST, $inference_response).
//
// Each requested output is an FP64 tensor of shape [N] holding one score per input text, in
// input order:
//   {"model_name":"vader","model_version":"v","id":"42","outputs":[
//     {"name":"neg","datatype":"FP64","shape":[2],"data":[0,0.5]}, ...]}
// `id` appears only when the request had one; `model_version` only when non-empty.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "oip/output_name.h"

namespace smlapi::oip {

// The four VADER scores of one text (the caller converts from its engine's type).
struct Scores {
  double neg = 0.0;
  double neu = 0.0;
  double pos = 0.0;
  double compound = 0.0;
};

double score_of(const Scores& scores, OutputName name) noexcept;

std::string render_infer_response(std::string_view model_name, std::string_view model_version,
                                  std::optional<std::string_view> id,
                                  std::span<const OutputName> outputs,
                                  std::span<const Scores> scores);

}  // namespace smlapi::oip
