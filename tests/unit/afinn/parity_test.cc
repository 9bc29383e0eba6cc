// Parity with the reference: every text of two corpora is scored by sentiment@5.0.2 under node
// (reference_scores.mjs, printing JSON lines) and by smlapi_afinn; score, comparative (as
// IEEE doubles, bit for bit), tokens and the words/positive/negative/calculation lists must
// be identical for every text. No difference is tolerated.
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <simdjson.h>

#include "afinn/analyzer.h"
#include "afinn/tokenizer.h"

namespace smlapi::afinn {
namespace {

namespace fs = std::filesystem;

constexpr const char* kNode = SMLAPI_NODE_EXECUTABLE;
constexpr const char* kSourceDir = SMLAPI_SOURCE_DIR;
constexpr std::size_t kMaxReportedDifferences = 20;

// ../shared beside the repository (as CI lays it out); SMLAPI_VADER_VECTORS overrides, as for
// tests/unit/vader.
std::string vectors_path() {
  const char* overridden = std::getenv("SMLAPI_VADER_VECTORS");
  return overridden != nullptr ? overridden
                               : std::string(kSourceDir) + "/../shared/vader/vectors.tsv";
}

std::string shell_quote(std::string_view text) {
  std::string quoted = "'";
  for (const char c : text) quoted += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return quoted + "'";
}

// Why the reference cannot run here, or "" when it can.
std::string reference_unavailable() {
  if (std::string_view(kNode).empty()) return "node was not found when CMake configured the build";
  if (!fs::exists(fs::path(kSourceDir) / "node_modules/sentiment/package.json")) {
    return "node_modules/sentiment is missing: run scripts/install-deps.sh (npm ci)";
  }
  return "";
}

// Runs reference_scores.mjs with `arguments` and returns its standard output.
std::string run_reference(const std::string& arguments) {
  const std::string command =
      shell_quote(kNode) + " " +
      shell_quote(std::string(kSourceDir) + "/tests/unit/afinn/reference_scores.mjs") + " " +
      arguments;
  FILE* pipe = ::popen(command.c_str(), "r");
  if (pipe == nullptr) return {};
  std::string output;
  char buffer[1 << 16];
  std::size_t read = 0;
  while ((read = std::fread(buffer, 1, sizeof buffer, pipe)) > 0) output.append(buffer, read);
  const int status = ::pclose(pipe);
  EXPECT_EQ(status, 0) << "reference_scores.mjs failed: " << command;
  return output;
}

// One text as the reference scored it.
struct ReferenceResult {
  std::string text;
  std::int64_t score = 0;
  double comparative = 0;
  std::vector<std::string> tokens, words, positive, negative;
  std::vector<std::pair<std::string, std::int64_t>> calculation;
};

std::vector<std::string> strings_of(simdjson::dom::array array) {
  std::vector<std::string> out;
  for (const auto item : array) out.emplace_back(std::string_view(item));
  return out;
}

ReferenceResult parse_line(simdjson::dom::parser& parser, std::string_view line) {
  const simdjson::dom::element json = parser.parse(simdjson::padded_string(line));
  ReferenceResult result;
  result.text = std::string(std::string_view(json["text"]));
  result.score = std::int64_t(json["score"]);
  result.comparative = double(json["comparative"]);
  result.tokens = strings_of(json["tokens"]);
  result.words = strings_of(json["words"]);
  result.positive = strings_of(json["positive"]);
  result.negative = strings_of(json["negative"]);
  for (const auto pair : simdjson::dom::array(json["calculation"])) {
    const simdjson::dom::array entry = pair;
    result.calculation.emplace_back(std::string(std::string_view(entry.at(0))),
                                    std::int64_t(entry.at(1)));
  }
  return result;
}

template <typename Views>
std::vector<std::string> to_strings(const Views& views) {
  return {views.begin(), views.end()};
}

// What differs between the reference and smlapi_afinn for one text ("" when nothing).
std::string compare(const ReferenceResult& expected, Analyzer& analyzer, Tokenizer& tokenizer) {
  const auto analysis = analyzer.score(expected.text);
  if (!analysis) return "refused as ill-formed UTF-8";
  std::ostringstream out;
  out.precision(17);
  if (analysis->score != expected.score) {
    out << " score " << analysis->score << " != " << expected.score;
  }
  // Same bits, sign included (the reference never yields -0, which JSON could not carry).
  if (analysis->comparative != expected.comparative ||
      std::signbit(analysis->comparative) != std::signbit(expected.comparative)) {
    out << " comparative " << analysis->comparative << " != " << expected.comparative;
  }
  if (analysis->token_count != expected.tokens.size()) out << " token count";
  if (to_strings(tokenizer.tokenize(expected.text)) != expected.tokens) out << " tokens";
  if (to_strings(analysis->words) != expected.words) out << " words";
  if (to_strings(analysis->positive) != expected.positive) out << " positive";
  if (to_strings(analysis->negative) != expected.negative) out << " negative";
  std::vector<std::pair<std::string, std::int64_t>> calculation;
  for (const auto& entry : analysis->calculation) calculation.emplace_back(entry.word, entry.score);
  if (calculation != expected.calculation) out << " calculation";
  return out.str();
}

// Scores every line of the reference's output; returns the number of texts compared.
std::size_t expect_parity(const std::string& output, std::string_view corpus) {
  std::istringstream lines(output);
  std::string line;
  if (!std::getline(lines, line)) {
    ADD_FAILURE() << "no output from reference_scores.mjs";
    return 0;
  }
  std::cout << "[ reference ] " << line << "\n";
  simdjson::dom::parser parser;
  Analyzer analyzer(Model::builtin());
  Tokenizer tokenizer;
  std::size_t texts = 0;
  std::size_t differences = 0;
  while (std::getline(lines, line)) {
    const auto expected = parse_line(parser, line);
    ++texts;
    const std::string difference = compare(expected, analyzer, tokenizer);
    if (difference.empty()) continue;
    if (++differences <= kMaxReportedDifferences) {
      ADD_FAILURE() << corpus << " text " << texts << " "
                    << testing::PrintToString(expected.text.substr(0, 200)) << ":" << difference;
    }
  }
  std::cout << "[ parity    ] " << corpus << ": " << texts << " texts, " << differences
            << " differences\n";
  EXPECT_EQ(differences, 0u);
  return texts;
}

TEST(ParityWithSentiment502, SharedVaderVectors) {
  if (const auto why = reference_unavailable(); !why.empty()) GTEST_SKIP() << why;
  if (!fs::exists(vectors_path())) {
    GTEST_SKIP() << "shared VADER vectors not found at " << vectors_path()
                 << " (../shared is absent); the adversarial corpus still runs";
  }
  const std::size_t texts = expect_parity(run_reference("vectors " + shell_quote(vectors_path())),
                                          "shared VADER vectors");
  EXPECT_GT(texts, 6000u);
}

TEST(ParityWithSentiment502, AdversarialCorpus) {
  if (const auto why = reference_unavailable(); !why.empty()) GTEST_SKIP() << why;
  const std::size_t texts = expect_parity(run_reference("adversarial"), "adversarial corpus");
  EXPECT_GT(texts, 30000u);
}

}  // namespace
}  // namespace smlapi::afinn
