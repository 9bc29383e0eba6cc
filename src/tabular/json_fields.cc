#include "tabular/json_fields.h"

#include "common/json_walk.h"

#include <algorithm>
#include <utility>

namespace smlapi::tabular {

namespace od = simdjson::ondemand;

namespace {

// Deeper lines are refused as invalid JSON rather than walked (the walk recurses).
constexpr std::size_t kMaxDepth = 256;

std::string_view trim_json_whitespace(std::string_view text) {
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t' || text.back() == '\n' ||
                           text.back() == '\r')) {
    text.remove_suffix(1);
  }
  return text;
}

// Reads every value below `value`, so what is not wanted is still checked to be JSON. Numbers
// as doubles: a well-formed integer beyond 64 bits is still JSON (ids are, sometimes).
simdjson::error_code validate(od::value value, std::size_t depth) {
  return json::walk_value(value, depth, kMaxDepth, json::NumberCheck::as_double);
}

RowError json_error(simdjson::error_code error) {
  return error == simdjson::UTF8_ERROR ? RowError::invalid_utf8 : RowError::invalid_json;
}

}  // namespace

boost::system::result<JsonFields, FieldPathError> JsonFields::create(std::vector<FieldPath> paths) {
  JsonFields fields;
  fields.nodes_.emplace_back();
  for (std::size_t slot = 0; slot < paths.size(); ++slot) {
    std::size_t node = 0;
    for (const std::string& key : paths[slot].keys) {
      const auto& children = fields.nodes_[node].children;
      auto found = std::find_if(children.begin(), children.end(),
                                [&](std::size_t child) { return fields.nodes_[child].key == key; });
      if (found != children.end()) {
        node = *found;
        continue;
      }
      fields.nodes_.push_back(Node{key, {}, {}});
      fields.nodes_[node].children.push_back(fields.nodes_.size() - 1);
      node = fields.nodes_.size() - 1;
    }
    fields.nodes_[node].slots.push_back(slot);
  }
  for (const Node& node : fields.nodes_) {
    if (!node.slots.empty() && !node.children.empty()) {
      return FieldPathError{"field '" + paths[node.slots.front()].spelled +
                            "' contains another field that is asked for; ask for one of them"};
    }
  }
  fields.slot_count_ = paths.size();
  return fields;
}

simdjson::error_code JsonFields::capture(od::value value, const Node& node, std::size_t depth,
                                         od::document& doc, std::span<FieldValue> values) const {
  od::json_type type;
  if (auto error = value.type().get(type)) return error;
  if (!node.children.empty()) {  // an object on the way to wanted fields
    if (type != od::json_type::object) return validate(value, depth);
    od::object object;
    if (auto error = value.get_object().get(object)) return error;
    return walk_object(object, static_cast<std::size_t>(&node - nodes_.data()), depth, doc, values);
  }
  if (values[node.slots.front()].kind != FieldValue::Kind::missing) {
    return validate(value, depth);  // a duplicate member: the first one counts
  }
  FieldValue captured;
  if (type == od::json_type::string) {
    std::string_view text;
    if (auto error = value.get_string().get(text)) return error;
    captured = {FieldValue::Kind::text, text};
  } else {
    // The value as written: from its first token to where the walk stops after it.
    const char* start = value.raw_json_token().data();
    if (auto error = validate(value, depth)) return error;
    const char* end = nullptr;
    if (auto error = doc.current_location().get(end)) return error;
    captured = {FieldValue::Kind::json,
                trim_json_whitespace({start, static_cast<std::size_t>(end - start)})};
  }
  for (std::size_t slot : node.slots) values[slot] = captured;
  return simdjson::SUCCESS;
}

simdjson::error_code JsonFields::walk_object(od::object object, std::size_t node, std::size_t depth,
                                             od::document& doc,
                                             std::span<FieldValue> values) const {
  if (depth > kMaxDepth) return simdjson::DEPTH_ERROR;
  for (auto member : object) {
    od::field field;
    if (auto error = std::move(member).get(field)) return error;
    std::string_view key;
    if (auto error = field.unescaped_key().get(key)) return error;
    const Node* wanted = nullptr;
    for (std::size_t child : nodes_[node].children) {
      if (nodes_[child].key == key) wanted = &nodes_[child];
    }
    auto error = wanted == nullptr ? validate(field.value(), depth + 1)
                                   : capture(field.value(), *wanted, depth + 1, doc, values);
    if (error) return error;
  }
  return simdjson::SUCCESS;
}

boost::system::result<void, RowError> JsonFields::extract(od::parser& parser, std::string_view line,
                                                          std::span<FieldValue> values) const {
  std::fill(values.begin(), values.end(), FieldValue{});
  od::document doc;
  if (auto error =
          parser.iterate(line.data(), line.size(), line.size() + simdjson::SIMDJSON_PADDING)
              .get(doc)) {
    return json_error(error);
  }
  od::json_type type;
  if (auto error = doc.type().get(type)) return json_error(error);
  if (type != od::json_type::object) {
    // Tell a line that is no JSON at all from one that is a JSON array, number, ...
    simdjson::error_code error = simdjson::SUCCESS;
    if (type == od::json_type::array) {
      od::value root;
      error = doc.get_value().get(root);
      if (!error) error = validate(root, 1);
    } else if (type == od::json_type::string) {
      error = doc.get_string().error();
    } else if (type == od::json_type::number) {
      error = doc.get_double().error();
    } else if (type == od::json_type::boolean) {
      error = doc.get_bool().error();
    } else {
      error = doc.is_null().error();
    }
    if (error || !doc.current_location().error()) return RowError::invalid_json;
    return RowError::not_an_object;
  }
  od::object object;
  if (auto error = doc.get_object().get(object)) return json_error(error);
  if (auto error = walk_object(object, 0, 1, doc, values)) return json_error(error);
  // Anything after the object (a second document, garbage) makes the line invalid too.
  if (!doc.current_location().error()) return RowError::invalid_json;
  if (values[0].kind == FieldValue::Kind::missing) return RowError::missing_field;
  if (values[0].kind != FieldValue::Kind::text) return RowError::not_a_string;
  return {};
}

}  // namespace smlapi::tabular
