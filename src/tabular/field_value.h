// A value taken out of an input row to be written to the output: a text (unquoted CSV field,
// unescaped JSON string) or a JSON value other than a string, as it was written.
#pragma once

#include <cstdint>
#include <string_view>

namespace smlapi::tabular {

struct FieldValue {
  enum class Kind : std::uint8_t { missing, text, json };
  Kind kind = Kind::missing;
  std::string_view bytes;  // text: the text; json: the JSON (valid JSON, no outer whitespace)
};

}  // namespace smlapi::tabular
