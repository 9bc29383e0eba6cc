#include "common/json_walk.h"

namespace smlapi::json {

namespace od = simdjson::ondemand;

simdjson::error_code walk_value(od::value value, std::size_t depth, std::size_t max_depth,
                                NumberCheck numbers) {
  if (depth > max_depth) return simdjson::DEPTH_ERROR;
  od::json_type type;
  if (auto error = value.type().get(type)) return error;
  switch (type) {
    case od::json_type::object: {
      od::object object;
      if (auto error = value.get_object().get(object)) return error;
      for (auto field : object) {
        std::string_view key;
        if (auto error = field.unescaped_key().get(key)) return error;
        if (auto error = walk_value(field.value(), depth + 1, max_depth, numbers)) return error;
      }
      return simdjson::SUCCESS;
    }
    case od::json_type::array: {
      od::array array;
      if (auto error = value.get_array().get(array)) return error;
      for (auto element : array) {
        od::value item;
        if (auto error = element.get(item)) return error;
        if (auto error = walk_value(item, depth + 1, max_depth, numbers)) return error;
      }
      return simdjson::SUCCESS;
    }
    case od::json_type::string:
      return value.get_string().error();
    case od::json_type::number:
      return numbers == NumberCheck::as_double ? value.get_double().error()
                                               : value.get_number().error();
    case od::json_type::boolean:
      return value.get_bool().error();
    case od::json_type::null:
      return value.is_null().error();
  }
  return simdjson::TAPE_ERROR;
}

}  // namespace smlapi::json
