#include "afinn/sentiment_model.h"

#include "afinn/analyzer.h"
#include "afinn/explanation.h"
#include "afinn/label.h"

#include <cmath>

namespace smlapi::afinn {

namespace {

enum Output : std::size_t { score_output, comparative_output };

class SentimentScorer final : public model::Scorer {
 public:
  explicit SentimentScorer(std::shared_ptr<const afinn::Model> data) : analyzer_(std::move(data)) {}

  bool score(std::string_view utf8_text, std::span<double> outputs) override {
    auto analysis = analyzer_.score(utf8_text);
    if (!analysis) return false;
    write(*analysis, outputs);
    return true;
  }

  bool score_and_read(std::string_view utf8_text, std::span<double> outputs,
                      model::Reading& reading) override {
    if (!score(utf8_text, outputs)) return false;
    reading = {analyzer_.tokens().size(), known_tokens(analyzer_.model(), analyzer_.tokens())};
    return true;
  }

  bool explain(std::string_view utf8_text, std::span<double> outputs, model::Reading& reading,
               std::string& out) override {
    auto analysis = analyzer_.score(utf8_text);
    if (!analysis) return false;
    write(*analysis, outputs);
    const auto& tokens = analyzer_.tokens();
    reading = {tokens.size(), append_explanation_json(out, analyzer_.model(), tokens, *analysis)};
    return true;
  }

 private:
  static void write(const Analysis& analysis, std::span<double> outputs) {
    outputs[score_output] = static_cast<double>(analysis.score);
    outputs[comparative_output] = analysis.comparative;
  }

  Analyzer analyzer_;
};

}  // namespace

SentimentModel::SentimentModel(std::shared_ptr<const afinn::Model> data)
    : data_(std::move(data)),
      info_{"afinn",
            std::string(data_->version()),
            "afinn_sentiment",
            {{"score", model::Datatype::int64, "sum of the AFINN-165 scores of the words"},
             {"comparative", model::Datatype::fp64, "score divided by the number of tokens"}},
            score_output} {}

std::unique_ptr<model::Scorer> SentimentModel::make_scorer() const {
  return std::make_unique<SentimentScorer>(data_);
}

model::Label SentimentModel::label(std::span<const double> outputs) const {
  return label_of_score(std::llround(outputs[score_output]));
}

}  // namespace smlapi::afinn
