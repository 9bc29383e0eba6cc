// `secure-ml-api score`: scores the texts of files (lines, JSON lines, CSV/TSV) with the same
// models and lexicon options as `serve`, and writes one output row per input row, in order
// (docs/scoring-files.md).
#include "app/commands.h"
#include "app/model_catalog.h"
#include "app/score_options.h"
#include "app/score_pipeline.h"
#include "tabular/field_path.h"
#include "tabular/json_fields.h"
#include "tabular/row_writer.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <iostream>
#include <set>
#include <string>
#include <thread>
#include <vector>

namespace smlapi::app {

namespace {

constexpr int kExitUsage = 2;
constexpr int kExitInputOutput = 3;

int usage_error(const std::string& message) {
  std::cerr << "secure-ml-api score: " << message << "\n" << kScoreUsage;
  return kExitUsage;
}

// The output's columns: id and kept fields, label, the model's outputs. A passed-through name
// that would collide with another column is refused (the output must stay unambiguous).
boost::system::result<tabular::OutputLayout, ScoreUsageError> output_layout(
    const ScoreOptions& options, const model::ModelInfo& info) {
  tabular::OutputLayout layout;
  if (!options.id_field.empty()) layout.passthrough.emplace_back("id");
  for (const std::string& keep : options.keep) layout.passthrough.push_back(keep);
  std::set<std::string, std::less<>> taken{"label", "error"};
  for (const model::OutputSpec& output : info.outputs) {
    layout.outputs.push_back({output.name, output.datatype == model::Datatype::int64});
    taken.insert(output.name);
  }
  if (options.explain) {
    // As /predict with "explain": true answers them (docs/model.md), one JSON value each.
    layout.extra = {"coverage", "warnings", "explanation"};
    taken.insert(layout.extra.begin(), layout.extra.end());
  }
  for (const std::string& name : layout.passthrough) {
    if (!taken.insert(name).second) {
      return ScoreUsageError{"the output already has a field '" + name +
                             "': pass each field once and none named like an output"};
    }
  }
  return layout;
}

// JSON lines: the text's path first, then the id and kept fields (as the layout orders them).
boost::system::result<tabular::JsonFields, ScoreUsageError> json_fields(
    const ScoreOptions& options) {
  std::vector<std::string> specs{options.field.empty() ? std::string("text") : options.field};
  if (!options.id_field.empty()) specs.push_back(options.id_field);
  specs.insert(specs.end(), options.keep.begin(), options.keep.end());
  std::vector<tabular::FieldPath> paths;
  for (const std::string& spec : specs) {
    auto path = tabular::parse_field_path(spec);
    if (!path) return ScoreUsageError{path.error().message};
    paths.push_back(std::move(*path));
  }
  auto fields = tabular::JsonFields::create(std::move(paths));
  if (!fields) return ScoreUsageError{fields.error().message};
  return std::move(*fields);
}

// Plain lines carry nothing to pass through: asking for it is a mistake worth stopping on.
std::optional<std::string> check_inputs(const ScoreOptions& options) {
  const bool passthrough = !options.id_field.empty() || !options.keep.empty();
  const std::vector<std::string> inputs =
      options.inputs.empty() ? std::vector<std::string>{"-"} : options.inputs;
  if (std::count(inputs.begin(), inputs.end(), "-") > 1) {
    return "standard input ('-') can be read only once";
  }
  for (const std::string& input : inputs) {
    if (passthrough && input_format(options, input) == InputFormat::lines) {
      return "--id-field and --keep need JSON lines or CSV/TSV input ('" + input +
             "' is read as lines; see --format)";
    }
    if (input != "-" && ::access(input.c_str(), R_OK) != 0) {
      return "cannot read '" + input + "': " + std::strerror(errno);
    }
  }
  return std::nullopt;
}

}  // namespace

int score_command(std::span<const std::string> args) {
  auto options = parse_score_options(args);
  if (!options) return usage_error(options.error().message);
  if (options->help) {
    std::cout << kScoreUsage;
    return 0;
  }
  if (auto problem = check_inputs(*options)) return usage_error(*problem);
  auto fields = json_fields(*options);
  if (!fields) return usage_error(fields.error().message);

  auto models = build_model_registry(options->model_options);
  if (!models) {
    std::cerr << "secure-ml-api score: " << models.error().message << "\n";
    return kExitUsage;
  }
  auto slot = (*models)->find(options->model);
  if (!slot) {
    std::cerr << "secure-ml-api score: unknown --model; the models are";
    for (const model::Family& family : (*models)->families()) std::cerr << " " << family.name;
    std::cerr << "\n";
    return kExitUsage;
  }
  const model::Model& model = (*models)->at(*slot);
  auto layout = output_layout(*options, model.info());
  if (!layout) return usage_error(layout.error().message);
  const tabular::RowWriter writer(options->output_format, std::move(*layout));

  int output_fd = 1;
  if (!options->output_file.empty()) {
    output_fd =
        ::open(options->output_file.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (output_fd < 0) {
      std::cerr << "secure-ml-api score: cannot open " << options->output_file << ": "
                << std::strerror(errno) << "\n";
      return kExitInputOutput;
    }
  }
  const unsigned threads =
      options->threads != 0 ? options->threads : std::max(1u, std::thread::hardware_concurrency());
  const ScoreSummary summary =
      run_score_pipeline(ScoreJob{*options, model, writer, *fields, output_fd, threads});
  if (output_fd != 1 && ::close(output_fd) != 0 && summary.exit_status == 0) {
    std::cerr << "secure-ml-api score: cannot write " << options->output_file << ": "
              << std::strerror(errno) << "\n";
    return kExitInputOutput;
  }
  if (summary.failed > 0) {
    std::cerr << "secure-ml-api score: " << summary.failed << " of " << summary.rows
              << " rows could not be scored"
              << (options->fail_fast ? " (--on-error fail: stopped at the first)" : "") << "\n";
  }
  return summary.exit_status;
}

}  // namespace smlapi::app
