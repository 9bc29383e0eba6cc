// Why one row of an input file could not be scored. Each has a stable name (written in the
// output's "error" field and on standard error) and a one-line explanation.
#pragma once

#include <cstdint>
#include <string_view>

namespace smlapi::tabular {

enum class RowError : std::uint8_t {
  invalid_utf8,        // the text (or, in CSV, any field) is not well-formed UTF-8
  invalid_json,        // a JSON line that is not one well-formed JSON document
  not_an_object,       // a JSON line that is well-formed but not an object
  missing_field,       // the text field (a JSON path) is absent
  not_a_string,        // the text field is there but is not a string (null, number, ...)
  column_count,        // a CSV/TSV record with more or fewer fields than the header
  unterminated_quote,  // a quoted CSV field still open at the end of the input
  stray_quote,         // a closing quote followed by something other than , \t CR LF
  row_too_long,        // a row longer than the row limit (--max-row-bytes)
};

std::string_view to_string(RowError error) noexcept;
std::string_view describe(RowError error) noexcept;

}  // namespace smlapi::tabular
