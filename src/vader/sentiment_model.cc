#include "vader/sentiment_model.h"

#include "vader/sentiment_analyzer.h"

namespace smlapi::vader {

namespace {

enum Output : std::size_t { neg, neu, pos, compound, count };

class SentimentScorer final : public model::Scorer {
 public:
  explicit SentimentScorer(std::shared_ptr<const vader::Model> data) : analyzer_(std::move(data)) {}

  bool score(std::string_view utf8_text, std::span<double> outputs) override {
    auto scores = analyzer_.polarity_scores(utf8_text);
    if (!scores) return false;
    write(*scores, outputs);
    return true;
  }

  bool score_and_read(std::string_view utf8_text, std::span<double> outputs,
                      model::Reading& reading) override {
    if (!score(utf8_text, outputs)) return false;
    reading = {analyzer_.token_count(), analyzer_.known_token_count()};
    return true;
  }

  bool explain(std::string_view utf8_text, std::span<double> outputs, model::Reading& reading,
               std::string& out) override {
    auto scores = analyzer_.explain(utf8_text, explanation_);
    if (!scores) return false;
    write(*scores, outputs);
    reading = {explanation_.tokens.size(), explanation_.known_tokens()};
    append_json(out, explanation_);
    return true;
  }

 private:
  static void write(const PolarityScores& scores, std::span<double> outputs) {
    outputs[neg] = scores.neg;
    outputs[neu] = scores.neu;
    outputs[pos] = scores.pos;
    outputs[compound] = scores.compound;
  }

  SentimentAnalyzer analyzer_;
  Explanation explanation_;  // reused: no allocation per explained text once grown
};

}  // namespace

SentimentModel::SentimentModel(std::shared_ptr<const vader::Model> data)
    : data_(std::move(data)),
      info_{"vader",
            std::string(data_->version()),
            "vader_sentiment",
            {{"neg", model::Datatype::fp64, "share of negative sentiment, 0 to 1"},
             {"neu", model::Datatype::fp64, "share of neutral sentiment, 0 to 1"},
             {"pos", model::Datatype::fp64, "share of positive sentiment, 0 to 1"},
             {"compound", model::Datatype::fp64, "normalised sum of valences, -1 to 1"}},
            compound} {}

std::unique_ptr<model::Scorer> SentimentModel::make_scorer() const {
  return std::make_unique<SentimentScorer>(data_);
}

model::Label SentimentModel::label(std::span<const double> outputs) const {
  const double value = outputs[compound];
  if (value >= kPositiveThreshold) return model::Label::positive;
  if (value <= kNegativeThreshold) return model::Label::negative;
  return model::Label::neutral;
}

}  // namespace smlapi::vader
