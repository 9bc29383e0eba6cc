#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <boost/system/result.hpp>

#include "afinn/model_load_error.h"

// The model's text formats (models/afinn/README.md):
//   score tables (afinn_165_words.tsv, emoji_scores.tsv): "key<TAB>score" per line, score an
//     integer in -5..+5 written as JavaScript's JSON.stringify writes it (no '+', no leading
//     zeros), keys unique and non-empty;
//   negators.txt: one word per line, unique, without whitespace (a token never contains ' ').
// Blank lines are ignored; CRLF line ends are tolerated; text must be well-formed UTF-8.
namespace smlapi::afinn {

using ScoreTable = std::vector<std::pair<std::string, int>>;

boost::system::result<ScoreTable, ModelLoadError> parse_score_table(std::string_view text,
                                                                    std::string_view file_name);

boost::system::result<std::vector<std::string>, ModelLoadError> parse_negators(
    std::string_view text, std::string_view file_name);

}  // namespace smlapi::afinn
