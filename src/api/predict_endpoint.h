// POST /predict and POST /predict/batch: the reference design's API.
#pragma once

#include "api/call.h"
#include "api/input_limits.h"

#include <string>
#include <string_view>

namespace smlapi::api {

// The reference thresholds: compound >= 0.05 positive, <= -0.05 negative.
std::string_view sentiment_label(double compound);

class PredictEndpoints {
 public:
  PredictEndpoints(InputLimits limits, std::string model_version);

  void predict(Call& call) const;
  void predict_batch(Call& call) const;

 private:
  bool require_json(Call& call) const;

  InputLimits limits_;
  std::string model_version_;
};

}  // namespace smlapi::api
