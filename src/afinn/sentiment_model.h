// AFINN-165 behind the service's model seam (model/model.h): the family "afinn", whose two
// outputs are sentiment@5.0.2's `score` (INT64, the sum of the words' scores) and
// `comparative` (FP64, score per token); its label is the sign of the score (label.h).
#pragma once

#include "afinn/model.h"
#include "model/model.h"

#include <memory>

namespace smlapi::afinn {

class SentimentModel final : public model::Model {
 public:
  explicit SentimentModel(std::shared_ptr<const afinn::Model> data);

  const model::ModelInfo& info() const override { return info_; }
  std::unique_ptr<model::Scorer> make_scorer() const override;
  model::Label label(std::span<const double> outputs) const override;

 private:
  std::shared_ptr<const afinn::Model> data_;
  model::ModelInfo info_;
};

}  // namespace smlapi::afinn
