#pragma once

#include <string_view>

// The default model files (models/afinn/), embedded in the binary at build time.
namespace smlapi::afinn::embedded {

std::string_view words_file();     // afinn_165_words.tsv
std::string_view emoji_file();     // emoji_scores.tsv
std::string_view negators_file();  // negators.txt

}  // namespace smlapi::afinn::embedded
