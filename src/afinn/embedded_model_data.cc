#include "afinn/embedded_model_data.h"

#include <cstddef>

// CMake passes the absolute paths of the model files; the assembler copies their bytes into
// .rodata (GCC and Clang on ELF targets), so no generated source is needed. Same technique as
// src/vader/embedded_model_data.cc.
#if !defined(SMLAPI_AFINN_WORDS_FILE) || !defined(SMLAPI_AFINN_EMOJI_FILE) || \
    !defined(SMLAPI_AFINN_NEGATORS_FILE)
#error "SMLAPI_AFINN_WORDS_FILE, SMLAPI_AFINN_EMOJI_FILE and SMLAPI_AFINN_NEGATORS_FILE must be set"
#endif

#define SMLAPI_AFINN_EMBED(symbol, path) \
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

__asm__(SMLAPI_AFINN_EMBED(smlapi_afinn_words, SMLAPI_AFINN_WORDS_FILE));
__asm__(SMLAPI_AFINN_EMBED(smlapi_afinn_emoji, SMLAPI_AFINN_EMOJI_FILE));
__asm__(SMLAPI_AFINN_EMBED(smlapi_afinn_negators, SMLAPI_AFINN_NEGATORS_FILE));

extern "C" {
__attribute__((visibility("hidden"))) extern const char smlapi_afinn_words_begin[];
__attribute__((visibility("hidden"))) extern const char smlapi_afinn_words_end[];
__attribute__((visibility("hidden"))) extern const char smlapi_afinn_emoji_begin[];
__attribute__((visibility("hidden"))) extern const char smlapi_afinn_emoji_end[];
__attribute__((visibility("hidden"))) extern const char smlapi_afinn_negators_begin[];
__attribute__((visibility("hidden"))) extern const char smlapi_afinn_negators_end[];
}

namespace smlapi::afinn::embedded {
namespace {

std::string_view between(const char* begin, const char* end) {
  return {begin, static_cast<std::size_t>(end - begin)};
}

}  // namespace

std::string_view words_file() { return between(smlapi_afinn_words_begin, smlapi_afinn_words_end); }

std::string_view emoji_file() { return between(smlapi_afinn_emoji_begin, smlapi_afinn_emoji_end); }

std::string_view negators_file() {
  return between(smlapi_afinn_negators_begin, smlapi_afinn_negators_end);
}

}  // namespace smlapi::afinn::embedded
