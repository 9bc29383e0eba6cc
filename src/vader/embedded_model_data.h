#pragma once

#include <string_view>

// The default model files (models/vader/), embedded in the binary at build time.
namespace smlapi::vader::embedded {

std::string_view lexicon_file();  // vader_lexicon.txt
std::string_view emoji_file();    // emoji_utf8_lexicon.txt

}  // namespace smlapi::vader::embedded
