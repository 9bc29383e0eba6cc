#include "app/score_options.h"

#include <charconv>

namespace smlapi::app {

const std::string_view kScoreUsage =
    "usage: secure-ml-api score [OPTIONS] [FILE...]   (no FILE or '-': standard input)\n"
    "  --format lines|jsonl|csv|tsv   input format (default: by extension, else lines)\n"
    "  --field PATH, --column NAME|N  the text: JSON field path (data.body) or CSV column\n"
    "                                 name or 1-based index (default: text)\n"
    "  --id-field PATH|COLUMN         passed through to the output as \"id\"\n"
    "  --keep PATH|COLUMN,...         passed through under their own names\n"
    "  --no-header                    CSV/TSV without a header row\n"
    "  --output-format jsonl|csv      (default: jsonl)   -o, --output FILE (default: stdout)\n"
    "  --model NAME  --lexicon FILE  --lexicon-overrides FILE\n"
    "  --threads N (default: cores)   --on-error skip|fail (default: skip)\n"
    "  --max-row-bytes N (default: 16777216)\n"
    "  --explain                      add coverage, warnings and explanation (docs/model.md)\n"
    "exit status: 0 all rows scored, 1 rows failed, 2 usage, 3 input/output error\n";

namespace {

std::optional<InputFormat> parse_format(std::string_view name) {
  if (name == "lines") return InputFormat::lines;
  if (name == "jsonl") return InputFormat::jsonl;
  if (name == "csv") return InputFormat::csv;
  if (name == "tsv") return InputFormat::tsv;
  return std::nullopt;
}

template <typename Number>
bool parse_number(std::string_view text, Number& value) {
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  return ec == std::errc{} && end == text.data() + text.size();
}

std::vector<std::string> split_commas(std::string_view list) {
  std::vector<std::string> names;
  while (true) {
    const auto comma = list.find(',');
    names.emplace_back(list.substr(0, comma));
    if (comma == std::string_view::npos) break;
    list.remove_prefix(comma + 1);
  }
  return names;
}

ScoreUsageError bad_value(std::string_view option, std::string_view value) {
  return ScoreUsageError{"invalid value for " + std::string(option) + ": '" + std::string(value) +
                         "'"};
}

// One option that takes a value; false for an unknown option.
boost::system::result<bool, ScoreUsageError> apply(ScoreOptions& options, std::string_view name,
                                                   const std::string& value) {
  if (name == "--format") {
    options.format = parse_format(value);
    if (!options.format) return bad_value(name, value);
  } else if (name == "--field" || name == "--column") {
    options.field = value;
  } else if (name == "--id-field") {
    options.id_field = value;
  } else if (name == "--keep") {
    for (auto& keep : split_commas(value)) options.keep.push_back(std::move(keep));
  } else if (name == "--output-format") {
    if (value == "jsonl") {
      options.output_format = tabular::OutputFormat::jsonl;
    } else if (value == "csv") {
      options.output_format = tabular::OutputFormat::csv;
    } else {
      return bad_value(name, value);
    }
  } else if (name == "-o" || name == "--output") {
    options.output_file = value;
  } else if (name == "--model") {
    options.model = value;
  } else if (name == "--lexicon") {
    options.model_options.lexicon_file = value;
  } else if (name == "--lexicon-overrides") {
    options.model_options.lexicon_overrides_file = value;
  } else if (name == "--threads") {
    if (!parse_number(value, options.threads) || options.threads > 1024) {
      return bad_value(name, value);
    }
  } else if (name == "--on-error") {
    if (value != "skip" && value != "fail") return bad_value(name, value);
    options.fail_fast = value == "fail";
  } else if (name == "--max-row-bytes") {
    if (!parse_number(value, options.max_row_bytes) || options.max_row_bytes < 1 ||
        options.max_row_bytes > (std::size_t{1} << 30)) {
      return bad_value(name, value);
    }
  } else {
    return false;
  }
  return true;
}

}  // namespace

boost::system::result<ScoreOptions, ScoreUsageError> parse_score_options(
    std::span<const std::string> args) {
  ScoreOptions options;
  bool only_files = false;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& arg = args[i];
    if (only_files || arg == "-" || !arg.starts_with("-")) {
      options.inputs.push_back(arg);
    } else if (arg == "--") {
      only_files = true;
    } else if (arg == "--help" || arg == "-h") {
      options.help = true;
    } else if (arg == "--no-header") {
      options.header = false;
    } else if (arg == "--explain") {
      options.explain = true;
    } else {
      std::string name = arg, value;
      if (const auto equals = arg.find('='); arg.starts_with("--") && equals != std::string::npos) {
        name = arg.substr(0, equals);
        value = arg.substr(equals + 1);
      } else if (i + 1 < args.size()) {
        value = args[++i];
      } else {
        return ScoreUsageError{"option " + arg + " needs a value"};
      }
      auto applied = apply(options, name, value);
      if (!applied) return applied.error();
      if (!*applied) return ScoreUsageError{"unknown option " + name};
    }
  }
  for (const std::string& keep : options.keep) {
    if (keep.empty()) return ScoreUsageError{"--keep has an empty name"};
  }
  return options;
}

InputFormat input_format(const ScoreOptions& options, std::string_view path) {
  if (options.format) return *options.format;
  const auto dot = path.rfind('.');
  const auto slash = path.rfind('/');
  if (dot == std::string_view::npos || (slash != std::string_view::npos && dot < slash)) {
    return InputFormat::lines;
  }
  const std::string_view extension = path.substr(dot + 1);
  if (extension == "csv") return InputFormat::csv;
  if (extension == "tsv" || extension == "tab") return InputFormat::tsv;
  if (extension == "jsonl" || extension == "ndjson" || extension == "json") {
    return InputFormat::jsonl;
  }
  return InputFormat::lines;
}

}  // namespace smlapi::app
