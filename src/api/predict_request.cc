#include "api/predict_request.h"

#include "common/json_walk.h"
#include "common/utf8.h"

#include <bit>
#include <cstdint>
#include <cstring>
#include <optional>
#include <string>

namespace smlapi::api {

namespace od = simdjson::ondemand;
using Loc = std::vector<std::variant<std::string, std::size_t>>;

namespace {

ValidationIssue issue(std::string type, std::string msg, Loc loc) {
  return ValidationIssue{std::move(type), std::move(msg), std::move(loc)};
}

ValidationIssue json_issue(simdjson::error_code error) {
  if (error == simdjson::DEPTH_ERROR) {
    return issue("json_too_deep", "JSON nesting is too deep", {"body"});
  }
  if (error == simdjson::UTF8_ERROR) {
    return issue("json_invalid", "Body is not valid UTF-8", {"body"});
  }
  return issue("json_invalid", "JSON decode error", {"body"});
}

// Walks every value of the document so a body that is not JSON at all is
// reported as such (json_invalid / json_too_deep), as the reference design
// does, even when a schema rule failed first. Only run on the error path: a
// body that passed the schema has already been read to its end.
simdjson::error_code walk(od::value value, std::size_t depth, std::size_t max_depth) {
  return json::walk_value(value, depth, max_depth, json::NumberCheck::as_number);
}

// The issue to report for a body that failed the schema: the JSON error if
// the body is not well-formed JSON, otherwise the schema issue itself.
ValidationIssue prefer_json_error(od::parser& parser, const simdjson::padded_string_view& body,
                                  std::size_t max_depth, ValidationIssue schema_issue) {
  od::document doc;
  if (auto error = parser.iterate(body).get(doc)) return json_issue(error);
  od::json_type type;
  if (auto error = doc.type().get(type)) return json_issue(error);
  simdjson::error_code error = simdjson::SUCCESS;
  switch (type) {  // simdjson reads a scalar document only through the document itself
    case od::json_type::object:
    case od::json_type::array: {
      od::value root;
      error = doc.get_value().get(root);
      if (!error) error = walk(root, 1, max_depth);
      break;
    }
    case od::json_type::string:
      error = doc.get_string().error();
      break;
    case od::json_type::number:
      error = doc.get_number().error();
      break;
    case od::json_type::boolean:
      error = doc.get_bool().error();
      break;
    case od::json_type::null:
      error = doc.is_null().error();
      break;
  }
  if (error) return json_issue(error);
  if (!doc.current_location().error()) return issue("json_invalid", "JSON decode error", {"body"});
  return schema_issue;
}

ValidationIssue not_an_object() {
  return issue("model_attributes_type",
               "Input should be a valid dictionary or object to extract fields from", {"body"});
}

// Where a text sits in the body: "text", or "texts" and an index. Turned into
// a Loc only when the text is refused, so a valid body allocates nothing here.
struct TextLocation {
  std::string_view field;
  std::optional<std::size_t> index;

  Loc loc() const {
    Loc where{"body", std::string(field)};
    if (index) where.emplace_back(*index);
    return where;
  }
};

// Reads one string value with the length rule.
boost::system::result<std::string_view, ValidationIssue> read_text(od::value value,
                                                                   const TextLocation& where,
                                                                   const InputLimits& limits) {
  od::json_type type;
  if (auto error = value.type().get(type)) return json_issue(error);
  if (type != od::json_type::string) {
    return issue("string_type", "Input should be a valid string", where.loc());
  }
  std::string_view text;
  if (auto error = value.get_string().get(text)) return json_issue(error);
  std::size_t chars = utf8::code_point_count(text);
  if (chars == 0) {
    return issue("string_too_short", "String should have at least 1 character", where.loc());
  }
  if (chars > limits.max_text_chars) {
    return issue(
        "string_too_long",
        "String should have at most " + std::to_string(limits.max_text_chars) + " characters",
        where.loc());
  }
  return text;
}

// The optional "model" field: a model family's name (checked against the registry by the
// endpoint, which answers 404 for an unknown one).
constexpr std::size_t kMaxModelNameBytes = 64;

boost::system::result<std::string_view, ValidationIssue> read_model_name(od::value value) {
  od::json_type type;
  if (auto error = value.type().get(type)) return json_issue(error);
  if (type != od::json_type::string) {
    return issue("string_type", "Input should be a valid string", {"body", "model"});
  }
  std::string_view name;
  if (auto error = value.get_string().get(name)) return json_issue(error);
  if (name.empty() || name.size() > kMaxModelNameBytes) {
    return issue("string_pattern_mismatch", "Model name should have 1 to 64 bytes",
                 {"body", "model"});
  }
  return name;
}

// The optional "explain" field: a JSON boolean, nothing else (no "true" strings, no 0/1).
boost::system::result<bool, ValidationIssue> read_explain(od::value value) {
  od::json_type type;
  if (auto error = value.type().get(type)) return json_issue(error);
  if (type != od::json_type::boolean) {
    return issue("bool_type", "Input should be a valid boolean", {"body", "explain"});
  }
  bool explain = false;
  if (auto error = value.get_bool().get(explain)) return json_issue(error);
  return explain;
}

// Iterates the top-level object, calling on_field(value) for the `expected` field and reading
// "model" and "explain" into `*options` when the caller accepts them; rejects duplicates and
// other fields.
template <typename OnField>
boost::system::result<void, ValidationIssue> for_fields(od::document& doc,
                                                        std::string_view expected,
                                                        BodyOptions* options, OnField on_field) {
  od::json_type type;
  if (auto error = doc.type().get(type)) return json_issue(error);
  if (type != od::json_type::object) return not_an_object();
  od::object object;
  if (auto error = doc.get_object().get(object)) return json_issue(error);
  bool seen = false;
  bool seen_model = false;
  bool seen_explain = false;
  for (auto field : object) {
    std::string_view key;
    if (auto error = field.unescaped_key().get(key)) return json_issue(error);
    if (key == "model" && options != nullptr) {
      if (seen_model) {
        return issue("duplicate_key", "Duplicate key in JSON object", {"body", "model"});
      }
      seen_model = true;
      auto name = read_model_name(field.value());
      if (!name) return name.error();
      options->model = *name;
      continue;
    }
    if (key == "explain" && options != nullptr) {
      if (seen_explain) {
        return issue("duplicate_key", "Duplicate key in JSON object", {"body", "explain"});
      }
      seen_explain = true;
      auto explain = read_explain(field.value());
      if (!explain) return explain.error();
      options->explain = *explain;
      continue;
    }
    if (key != expected) {
      return issue("extra_forbidden", "Extra inputs are not permitted", {"body", std::string(key)});
    }
    if (seen) {
      return issue("duplicate_key", "Duplicate key in JSON object", {"body", std::string(key)});
    }
    seen = true;
    auto result = on_field(field.value());
    if (!result) return result.error();
  }
  if (!seen) return issue("missing", "Field required", {"body", std::string(expected)});
  // Anything after the object (a second document, garbage) is refused too.
  if (!doc.current_location().error()) return issue("json_invalid", "JSON decode error", {"body"});
  return {};
}

}  // namespace

boost::system::result<std::string_view, ValidationIssue> parse_predict_body(
    od::parser& parser, const simdjson::padded_string_view& body, const InputLimits& limits,
    BodyOptions* options) {
  if (body.length() == 0) return issue("missing", "Field required", {"body"});
  od::document doc;
  if (auto error = parser.iterate(body).get(doc)) return json_issue(error);
  std::string_view text;
  auto result = for_fields(
      doc, "text", options, [&](od::value value) -> boost::system::result<void, ValidationIssue> {
        auto read = read_text(value, TextLocation{"text", std::nullopt}, limits);
        if (!read) return read.error();
        text = *read;
        return {};
      });
  if (!result) return prefer_json_error(parser, body, limits.max_json_depth, result.error());
  return text;
}

boost::system::result<void, ValidationIssue> parse_batch_body(
    od::parser& parser, const simdjson::padded_string_view& body, const InputLimits& limits,
    std::vector<std::string_view>& texts, BodyOptions* options) {
  texts.clear();
  if (body.length() == 0) return issue("missing", "Field required", {"body"});
  od::document doc;
  if (auto error = parser.iterate(body).get(doc)) return json_issue(error);
  auto result = for_fields(
      doc, "texts", options, [&](od::value value) -> boost::system::result<void, ValidationIssue> {
        od::json_type type;
        if (auto error = value.type().get(type)) return json_issue(error);
        if (type != od::json_type::array) {
          return issue("list_type", "Input should be a valid list", {"body", "texts"});
        }
        od::array array;
        if (auto error = value.get_array().get(array)) return json_issue(error);
        std::size_t total_bytes = 0;
        for (auto element : array) {
          od::value item;
          if (auto error = element.get(item)) return json_issue(error);
          std::size_t index = texts.size();
          if (index >= limits.max_batch_texts) {
            return issue(
                "too_long",
                "List should have at most " + std::to_string(limits.max_batch_texts) + " items",
                {"body", "texts"});
          }
          auto text = read_text(item, TextLocation{"texts", index}, limits);
          if (!text) return text.error();
          total_bytes += text->size();
          if (total_bytes > limits.max_batch_text_bytes) {
            return issue("too_long",
                         "Texts should total at most " +
                             std::to_string(limits.max_batch_text_bytes) + " bytes",
                         {"body", "texts"});
          }
          texts.push_back(*text);
        }
        if (texts.empty()) {
          return issue("too_short", "List should have at least 1 item", {"body", "texts"});
        }
        return {};
      });
  if (!result) {
    texts.clear();
    return prefer_json_error(parser, body, limits.max_json_depth, result.error());
  }
  return {};
}

}  // namespace smlapi::api
