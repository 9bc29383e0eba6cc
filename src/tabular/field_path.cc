#include "tabular/field_path.h"

namespace smlapi::tabular {

boost::system::result<FieldPath, FieldPathError> parse_field_path(std::string_view spelled) {
  FieldPath path{std::string(spelled), {}};
  std::string_view rest = spelled;
  while (true) {
    const auto dot = rest.find('.');
    std::string_view key = rest.substr(0, dot);
    if (key.empty()) {
      return FieldPathError{"field path '" + std::string(spelled) + "' has an empty name"};
    }
    path.keys.emplace_back(key);
    if (dot == std::string_view::npos) break;
    rest.remove_prefix(dot + 1);
  }
  return path;
}

}  // namespace smlapi::tabular
