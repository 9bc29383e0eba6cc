// The seam between the service and its models. A model declares what it produces (its name,
// version, output tensors) and scores texts; the reference API (/predict) and the Open
// Inference Protocol render whatever a model declares, so neither names a model family.
//
// A Model is immutable and shared by all threads. Scoring goes through a Scorer, one per
// worker thread, because scorers keep scratch buffers between calls (no allocation per text
// once warm) and so are not thread-safe.
#pragma once

#include <cstddef>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace smlapi::model {

// Datatypes of output tensors, as the Open Inference Protocol names them.
enum class Datatype { fp64, int64 };
std::string_view to_string(Datatype datatype) noexcept;  // "FP64", "INT64"

// One output: a tensor of shape [N] holding one value per input text.
struct OutputSpec {
  std::string name;
  Datatype datatype = Datatype::fp64;
  std::string description;  // one line, for metadata and docs
};

// The three labels of the reference API, decided by each model's own thresholds.
enum class Label { positive, negative, neutral };
inline constexpr std::size_t kLabelCount = 3;
std::string_view to_string(Label label) noexcept;  // "POSITIVE", "NEGATIVE", "NEUTRAL"

struct ModelInfo {
  std::string name;      // family: the path segment of /v2/models/<name>, "model" in /predict
  std::string version;   // content hash: equal for equal data, whatever loaded it
  std::string platform;  // the OIP metadata "platform", e.g. "vader_sentiment"
  std::vector<OutputSpec> outputs;
  std::size_t primary_output = 0;  // the output /predict reports as "score"
};

// How much of one text a model could read: the tokens it split the text into and how many of
// them it has an entry for (language_check.h turns this into coverage and warnings).
struct Reading {
  std::size_t tokens = 0;
  std::size_t known_tokens = 0;
};

class Scorer {
 public:
  virtual ~Scorer() = default;
  // Writes one value per declared output into `outputs` (sized to info().outputs.size()).
  // False when `utf8_text` is not valid UTF-8; `outputs` is then unspecified.
  virtual bool score(std::string_view utf8_text, std::span<double> outputs) = 0;
  // score(), also reporting what the model could read of the text. The same outputs.
  virtual bool score_and_read(std::string_view utf8_text, std::span<double> outputs,
                              Reading& reading) = 0;
  // score_and_read(), also appending to `explanation` one JSON object saying why: per token,
  // what it contributed and which rules changed it (each family's format is in
  // docs/model.md). The same outputs: explaining never changes a score. Nothing is appended
  // when it returns false.
  virtual bool explain(std::string_view utf8_text, std::span<double> outputs, Reading& reading,
                       std::string& explanation) = 0;
};

class Model {
 public:
  virtual ~Model() = default;
  virtual const ModelInfo& info() const = 0;
  virtual std::unique_ptr<Scorer> make_scorer() const = 0;
  // The label of one text's outputs (as a Scorer wrote them).
  virtual Label label(std::span<const double> outputs) const = 0;
};

}  // namespace smlapi::model
