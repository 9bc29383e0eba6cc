#pragma once

#include <string_view>

#include <boost/assert/source_location.hpp>

namespace smlapi::vader {

// The four VADER scores, rounded exactly as vaderSentiment 3.3.2 rounds them (Python round():
// neg/neu/pos to 3 decimals, compound to 4), so they compare equal to the reference's floats.
struct PolarityScores {
  double neg = 0;
  double neu = 0;
  double pos = 0;
  double compound = 0;

  friend bool operator==(const PolarityScores&, const PolarityScores&) = default;
};

// Why a text could not be scored.
enum class TextError {
  invalid_utf8,  // the input is not well-formed UTF-8
};

std::string_view to_string(TextError error);

// Lets result<T, TextError>::value() throw (std::invalid_argument).
[[noreturn]] void throw_exception_from_error(TextError error,
                                             const boost::source_location& location);

}  // namespace smlapi::vader
