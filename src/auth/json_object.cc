#include "auth/json_object.h"

#include <algorithm>
#include <vector>

namespace smlapi::auth {

bool has_unique_member_names(simdjson::dom::object object) {
  std::vector<std::string_view> names;
  names.reserve(object.size());
  for (const auto member : object) names.push_back(member.key);
  std::sort(names.begin(), names.end());
  return std::adjacent_find(names.begin(), names.end()) == names.end();
}

boost::system::result<simdjson::dom::object, JsonObjectError> parse_unique_object(
    simdjson::dom::parser& parser, std::string_view json) {
  simdjson::dom::object object;
  if (parser.parse(json.data(), json.size()).get_object().get(object) != simdjson::SUCCESS) {
    return JsonObjectError::not_an_object;
  }
  if (!has_unique_member_names(object)) return JsonObjectError::duplicate_member;
  return object;
}

}  // namespace smlapi::auth
