// POST /predict and POST /predict/batch: the reference design's API, over any model of the
// registry ("model" in the body; the registry's default family when absent).
//   {"user":..,"label":..,"score":<primary output>,"scores":{<every output>},
//    "model":..,"model_version":..[,"coverage":..][,"warnings":[..]][,"explanation":{..}]}
// "explain": true in the body adds the model's explanation and the coverage; "warnings" (with
// the coverage) appear whenever the language check warns (model/language_check.h). Batch
// items carry the same three fields.
#pragma once

#include "api/call.h"
#include "api/input_limits.h"
#include "api/predict_fragments.h"
#include "model/model_registry.h"

#include <array>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace smlapi::api {

class PredictEndpoints {
 public:
  // Models come from the worker's registry (WorkerState::models()).
  explicit PredictEndpoints(InputLimits limits);

  void predict(Call& call) const;
  void predict_batch(Call& call) const;

 private:
  // The model a body named, its scorer on this worker and that worker's output row sized
  // for it.
  struct Scoring {
    const model::Model& scored;
    model::Scorer& scorer;
    const PredictFragments& fragments;
    std::span<double> values;
  };

  bool require_json(Call& call) const;
  // The model a body asked for (the default family when it named none); answers 404 and
  // returns nullopt for an unknown one.
  std::optional<Scoring> find_model(Call& call, std::string_view name) const;

  InputLimits limits_;
};

}  // namespace smlapi::api
