#include "vader/embedded_model_data.h"

// CMake passes the absolute paths of the model files; the assembler copies their bytes into
// .rodata (works with GCC and Clang on ELF targets), so no generated source is needed.
#if !defined(SMLAPI_VADER_LEXICON_FILE) || !defined(SMLAPI_VADER_EMOJI_FILE)
#error "SMLAPI_VADER_LEXICON_FILE and SMLAPI_VADER_EMOJI_FILE must name the model files"
#endif

#define SMLAPI_VADER_EMBED(symbol, path) \
  ".pushsection .rodata\n"               \
  ".balign 16\n"                         \
  ".globl " #symbol                      \
  "_begin\n"                             \
  ".hidden " #symbol "_begin\n" #symbol  \
  "_begin:\n"                            \
  ".incbin \"" path                      \
  "\"\n"                                 \
  ".globl " #symbol                      \
  "_end\n"                               \
  ".hidden " #symbol "_end\n" #symbol    \
  "_end:\n"                              \
  ".byte 0\n"                            \
  ".popsection\n"

__asm__(SMLAPI_VADER_EMBED(smlapi_vader_lexicon, SMLAPI_VADER_LEXICON_FILE));
__asm__(SMLAPI_VADER_EMBED(smlapi_vader_emoji, SMLAPI_VADER_EMOJI_FILE));

extern "C" {
__attribute__((visibility("hidden"))) extern const char smlapi_vader_lexicon_begin[];
__attribute__((visibility("hidden"))) extern const char smlapi_vader_lexicon_end[];
__attribute__((visibility("hidden"))) extern const char smlapi_vader_emoji_begin[];
__attribute__((visibility("hidden"))) extern const char smlapi_vader_emoji_end[];
}

namespace smlapi::vader::embedded {

std::string_view lexicon_file() {
  return {smlapi_vader_lexicon_begin,
          static_cast<std::size_t>(smlapi_vader_lexicon_end - smlapi_vader_lexicon_begin)};
}

std::string_view emoji_file() {
  return {smlapi_vader_emoji_begin,
          static_cast<std::size_t>(smlapi_vader_emoji_end - smlapi_vader_emoji_begin)};
}

}  // namespace smlapi::vader::embedded
