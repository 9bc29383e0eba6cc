#pragma once

#include <memory>
#include <string_view>
#include <vector>

#include <boost/system/result.hpp>

#include "afinn/analysis.h"
#include "afinn/model.h"
#include "afinn/text_error.h"
#include "afinn/tokenizer.h"

namespace smlapi::afinn {

// Scores texts like `new Sentiment().analyze(text)` of sentiment@5.0.2 with the English
// language (no `extras`: the package merges them into its shared table for good, a side effect
// a server must not copy). One analyzer per thread: it reuses the tokenizer's buffers; the
// Model is shared.
class Analyzer {
 public:
  explicit Analyzer(std::shared_ptr<const Model> model);

  boost::system::result<Analysis, TextError> score(std::string_view utf8_text);
  const Model& model() const { return *model_; }
  // The tokens of the last text scored: views valid until the next call.
  const std::vector<std::string_view>& tokens() const { return *tokens_; }

 private:
  std::shared_ptr<const Model> model_;
  Tokenizer tokenizer_;
  const std::vector<std::string_view>* tokens_ = &kNoTokens;
  static inline const std::vector<std::string_view> kNoTokens{};
};

}  // namespace smlapi::afinn
