// Where a value sits in a JSON line: member names separated by dots, "text" or "data.body".
// A name holding a dot cannot be addressed (no escapes: none of the exports we know need one).
#pragma once

#include <boost/system/result.hpp>

#include <string>
#include <string_view>
#include <vector>

namespace smlapi::tabular {

struct FieldPath {
  std::string spelled;            // as given, e.g. "data.body"
  std::vector<std::string> keys;  // {"data", "body"}
};

struct FieldPathError {
  std::string message;
};

// Empty names ("", "a..b", ".a") are refused.
boost::system::result<FieldPath, FieldPathError> parse_field_path(std::string_view spelled);

}  // namespace smlapi::tabular
