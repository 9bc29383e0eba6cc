#include "tabular/row_error.h"

namespace smlapi::tabular {

std::string_view to_string(RowError error) noexcept {
  switch (error) {
    case RowError::invalid_utf8:
      return "invalid_utf8";
    case RowError::invalid_json:
      return "invalid_json";
    case RowError::not_an_object:
      return "not_an_object";
    case RowError::missing_field:
      return "missing_field";
    case RowError::not_a_string:
      return "not_a_string";
    case RowError::column_count:
      return "column_count";
    case RowError::unterminated_quote:
      return "unterminated_quote";
    case RowError::stray_quote:
      return "stray_quote";
    case RowError::row_too_long:
      return "row_too_long";
  }
  return "unknown";
}

std::string_view describe(RowError error) noexcept {
  switch (error) {
    case RowError::invalid_utf8:
      return "not valid UTF-8";
    case RowError::invalid_json:
      return "not one well-formed JSON document";
    case RowError::not_an_object:
      return "the JSON value is not an object";
    case RowError::missing_field:
      return "the text field is missing";
    case RowError::not_a_string:
      return "the text field is not a string";
    case RowError::column_count:
      return "the record does not have as many fields as the header";
    case RowError::unterminated_quote:
      return "a quoted field is not closed before the end of the input";
    case RowError::stray_quote:
      return "a closing quote is followed by something other than a delimiter or line end";
    case RowError::row_too_long:
      return "the row is longer than --max-row-bytes";
  }
  return "unknown";
}

}  // namespace smlapi::tabular
