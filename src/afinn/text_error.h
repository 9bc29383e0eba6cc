#pragma once

#include <cstdint>
#include <string_view>

#include <boost/assert/source_location.hpp>

namespace smlapi::afinn {

// Why a text was not scored. The package receives JavaScript strings, which a UTF-8 service
// only produces from well-formed UTF-8; rather than guess a decoding (U+FFFD replacement would
// turn garbage into tokens), ill-formed input is refused, as src/vader does.
enum class TextError : std::uint8_t {
  invalid_utf8,
};

std::string_view to_string(TextError error);

// Lets result<T, TextError>::value() throw (std::invalid_argument).
[[noreturn]] void throw_exception_from_error(TextError error,
                                             const boost::source_location& location);

}  // namespace smlapi::afinn
