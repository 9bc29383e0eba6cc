// VADER behind the service's model seam (model/model.h): the family "vader", whose four
// outputs are the scores of polarity_scores() — neg, neu, pos, compound (FP64) — and whose
// label uses the reference design's thresholds on compound (>= 0.05 positive, <= -0.05
// negative).
#pragma once

#include "model/model.h"
#include "vader/model.h"

#include <memory>

namespace smlapi::vader {

inline constexpr double kPositiveThreshold = 0.05;
inline constexpr double kNegativeThreshold = -0.05;

class SentimentModel final : public model::Model {
 public:
  explicit SentimentModel(std::shared_ptr<const vader::Model> data);

  const model::ModelInfo& info() const override { return info_; }
  std::unique_ptr<model::Scorer> make_scorer() const override;
  model::Label label(std::span<const double> outputs) const override;

  const vader::Model& data() const { return *data_; }

 private:
  std::shared_ptr<const vader::Model> data_;
  model::ModelInfo info_;
};

}  // namespace smlapi::vader
