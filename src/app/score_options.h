// The options of `secure-ml-api score`, parsed and checked in one place before any input is
// read (a usage error is exit status 2, before any output).
#pragma once

#include "app/model_catalog.h"
#include "tabular/row_writer.h"

#include <boost/system/result.hpp>

#include <cstddef>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace smlapi::app {

enum class InputFormat { lines, jsonl, csv, tsv };

struct ScoreOptions {
  std::vector<std::string> inputs;    // files; "-" is standard input; none: standard input
  std::optional<InputFormat> format;  // --format; else each file's extension, else lines
  std::string field;                  // --field / --column; empty: "text" (see score_framing)
  std::string id_field;               // --id-field: written first, as "id"
  std::vector<std::string> keep;      // --keep a,b.c: written under these names
  bool header = true;                 // --no-header: CSV/TSV without a header row
  tabular::OutputFormat output_format = tabular::OutputFormat::jsonl;
  std::string output_file;  // -o / --output; empty: standard output
  std::string model;        // --model; empty: the default family
  ModelOptions model_options;
  unsigned threads = 0;    // --threads; 0: one per core
  bool fail_fast = false;  // --on-error fail
  bool explain = false;    // --explain: coverage, warnings and explanation columns
  std::size_t max_row_bytes = std::size_t{16} << 20;
  bool help = false;
};

struct ScoreUsageError {
  std::string message;
};

extern const std::string_view kScoreUsage;

boost::system::result<ScoreOptions, ScoreUsageError> parse_score_options(
    std::span<const std::string> args);

// --format if given, else by extension: .csv, .tsv/.tab, .jsonl/.ndjson/.json; else lines.
InputFormat input_format(const ScoreOptions& options, std::string_view path);

}  // namespace smlapi::app
