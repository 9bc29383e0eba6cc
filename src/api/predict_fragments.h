// The constant JSON of one model's /predict answers, formatted once per model (per worker,
// when it takes a registry): per text only the numbers are formatted, which keeps the model
// seam from costing /predict/batch instructions per text.
#pragma once

#include "model/model.h"

#include <array>
#include <string>
#include <vector>

namespace smlapi::api {

struct PredictFragments {
  std::array<std::string, model::kLabelCount> label_and_score;  // "label":"POSITIVE","score":
  std::vector<std::string> output_keys;  // ,"scores":{"neg":  then  ,"neu":  ...
  std::string model;                     // "model":"vader","model_version":"..."
};

PredictFragments fragments_of(const model::ModelInfo& info);

}  // namespace smlapi::api
