#pragma once

#include <memory>
#include <string_view>
#include <vector>

#include <boost/system/result.hpp>

#include "vader/but_rule.h"
#include "vader/explanation.h"
#include "vader/model.h"
#include "vader/polarity_scores.h"
#include "vader/senti_text.h"

namespace smlapi::vader {

// Scores texts like vaderSentiment 3.3.2's SentimentIntensityAnalyzer.polarity_scores().
// One analyzer per thread: it owns scratch buffers reused across calls (no allocation per call
// once they have grown to the longest text seen), so it is not thread-safe; the Model is
// shared.
class SentimentAnalyzer {
 public:
  explicit SentimentAnalyzer(std::shared_ptr<const Model> model);

  boost::system::result<PolarityScores, TextError> polarity_scores(std::string_view utf8_text);
  // The same scores (the same code, recording as it goes) and why: `explanation` is refilled
  // and holds views into `utf8_text` and this analyzer's buffers, valid until the next call.
  boost::system::result<PolarityScores, TextError> explain(std::string_view utf8_text,
                                                           Explanation& explanation);
  const Model& model() const { return *model_; }

  // Of the last text scored or explained: its tokens, and how many of them the model has an
  // entry for (lexicon, booster, negation or rule word; "n't" words count as negations).
  std::size_t token_count() const { return text_.tokens().size(); }
  std::size_t known_token_count() const;

 private:
  std::shared_ptr<const Model> model_;
  SentiText text_;
  std::vector<double> sentiments_;
  ButRule but_rule_;
  std::vector<double> before_but_;  // explain(): the valences the "but" rule started from
};

}  // namespace smlapi::vader
