// The small subcommands: sleep, score (healthcheck: healthcheck_command.cc).
#include "app/commands.h"
#include "app/model_catalog.h"
#include "app/options.h"
#include "common/json_writer.h"
#include "model/output_json.h"

#include <chrono>
#include <cstdlib>
#include <iostream>
#include <string>
#include <thread>
#include <vector>

namespace smlapi::app {

std::optional<std::string> environment_variable(const std::string& name) {
  const char* value = std::getenv(name.c_str());
  if (value == nullptr) return std::nullopt;
  return std::string(value);
}

int sleep_command(std::span<const std::string> args) {
  int seconds = args.empty() ? -1 : std::atoi(args[0].c_str());
  if (seconds < 0 || seconds > 3600) {
    std::cerr << "usage: secure-ml-api sleep SECONDS (0..3600)\n";
    return 2;
  }
  std::this_thread::sleep_for(std::chrono::seconds(seconds));
  return 0;
}

namespace {

constexpr std::string_view kScoreUsage =
    "usage: secure-ml-api score [--model NAME] [--lexicon FILE] [--lexicon-overrides FILE]"
    " < texts.txt\n";

// score's options; false on anything else (the caller prints the usage).
bool parse_score_options(std::span<const std::string> args, std::string& model_name,
                         ModelOptions& options) {
  for (std::size_t i = 0; i < args.size(); i += 2) {
    if (i + 1 >= args.size()) return false;
    const std::string& value = args[i + 1];
    if (args[i] == "--model") {
      model_name = value;
    } else if (args[i] == "--lexicon") {
      options.lexicon_file = value;
    } else if (args[i] == "--lexicon-overrides") {
      options.lexicon_overrides_file = value;
    } else {
      return false;
    }
  }
  return true;
}

void append_outputs(std::string& out, const model::ModelInfo& info,
                    std::span<const double> values) {
  out.push_back('{');
  for (std::size_t i = 0; i < info.outputs.size(); ++i) {
    if (i != 0) out.push_back(',');
    json::append_string(out, info.outputs[i].name);
    out.push_back(':');
    model::append_json_value(out, info.outputs[i].datatype, values[i]);
  }
  out.append("}\n");
}

}  // namespace

// One text per stdin line in, one JSON object of the model's outputs per stdout line out, same
// order; the same models and lexicon options as `serve`.
int score_command(std::span<const std::string> args) {
  std::string model_name;
  ModelOptions options;
  if (!parse_score_options(args, model_name, options)) {
    std::cerr << kScoreUsage;
    return 2;
  }
  auto models = build_model_registry(options);
  if (!models) {
    std::cerr << "secure-ml-api score: " << models.error().message << "\n";
    return 1;
  }
  auto slot = (*models)->find(model_name);
  if (!slot) {
    std::cerr << "secure-ml-api score: unknown --model; the models are";
    for (const model::Family& family : (*models)->families()) std::cerr << " " << family.name;
    std::cerr << "\n";
    return 2;
  }
  const model::ModelInfo& info = (*models)->at(*slot).info();
  auto scorer = (*models)->at(*slot).make_scorer();
  std::vector<double> values(info.outputs.size());
  std::ios::sync_with_stdio(false);
  std::string line, out;
  while (std::getline(std::cin, line)) {
    out.clear();
    if (!scorer->score(line, values)) {
      out.append("{\"error\":\"invalid_utf8\"}\n");
    } else {
      append_outputs(out, info, values);
    }
    std::cout << out;
  }
  std::cout.flush();
  return 0;
}

}  // namespace smlapi::app
