// POST /predict and POST /predict/batch: the reference design's API, over any model of the
// registry ("model" in the body; the registry's default family when absent).
//   {"user":..,"label":..,"score":<primary output>,"scores":{<every output>},
//    "model":..,"model_version":..}
#pragma once

#include "api/call.h"
#include "api/input_limits.h"
#include "model/model_registry.h"

#include <memory>

namespace smlapi::api {

class PredictEndpoints {
 public:
  PredictEndpoints(InputLimits limits, std::shared_ptr<const model::ModelRegistry> models);

  void predict(Call& call) const;
  void predict_batch(Call& call) const;

 private:
  bool require_json(Call& call) const;
  // The registry slot of the model a body asked for; answers 404 and returns false otherwise.
  bool find_model(Call& call, std::string_view name, std::size_t& slot) const;

  InputLimits limits_;
  std::shared_ptr<const model::ModelRegistry> models_;
};

}  // namespace smlapi::api
