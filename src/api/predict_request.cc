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
// does, even when a schema rule failed first.
simdjson::error_code walk(od::value value, std::size_t depth, std::size_t max_depth) {
  return json::walk_value(value, depth, max_depth, json::NumberCheck::as_number);
}

// The JSON error of a body whose schema walk found issues or stopped, if it is not well-formed
// JSON (the walk reads only what the schema needs, so this walks every value). Only run on the
// error path: a body that passed the schema has already been read to its end.
std::optional<ValidationIssue> json_error_in(od::parser& parser,
                                             const simdjson::padded_string_view& body,
                                             std::size_t max_depth) {
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
  return std::nullopt;
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

// The schema issues found so far, in document order (at most kMaxValidationIssues: past that a
// body is not worth reading on). A JSON error is not collected: the body is not well-formed, its
// walk stops and json_error_in reports that alone.
class Issues {
 public:
  void add(ValidationIssue issue) {
    if (!full()) list_.push_back(std::move(issue));
  }
  bool empty() const { return list_.empty(); }
  bool full() const { return list_.size() >= kMaxValidationIssues; }
  ValidationIssues take() { return std::move(list_); }

 private:
  ValidationIssues list_;
};

// A field's value read against its rule: the value, nothing (its issue added to `issues`), or
// the JSON error that stops the walk.
template <typename T>
using Read = boost::system::result<std::optional<T>, simdjson::error_code>;

// Reads one string value with the length rule.
Read<std::string_view> read_text(od::value value, const TextLocation& where,
                                 const InputLimits& limits, Issues& issues) {
  od::json_type type;
  if (auto error = value.type().get(type)) return error;
  if (type != od::json_type::string) {
    issues.add(issue("string_type", "Input should be a valid string", where.loc()));
    return std::nullopt;
  }
  std::string_view text;
  if (auto error = value.get_string().get(text)) return error;
  std::size_t chars = utf8::code_point_count(text);
  if (chars == 0) {
    issues.add(issue("string_too_short", "String should have at least 1 character", where.loc()));
    return std::nullopt;
  }
  if (chars > limits.max_text_chars) {
    issues.add(
        issue("string_too_long",
              "String should have at most " + std::to_string(limits.max_text_chars) + " characters",
              where.loc()));
    return std::nullopt;
  }
  return text;
}

// The optional "model" field: a model family's name (checked against the registry by the
// endpoint, which answers 404 for an unknown one).
constexpr std::size_t kMaxModelNameBytes = 64;

Read<std::string_view> read_model_name(od::value value, Issues& issues) {
  od::json_type type;
  if (auto error = value.type().get(type)) return error;
  if (type != od::json_type::string) {
    issues.add(issue("string_type", "Input should be a valid string", {"body", "model"}));
    return std::nullopt;
  }
  std::string_view name;
  if (auto error = value.get_string().get(name)) return error;
  if (name.empty() || name.size() > kMaxModelNameBytes) {
    issues.add(issue("string_pattern_mismatch", "Model name should have 1 to 64 bytes",
                     {"body", "model"}));
    return std::nullopt;
  }
  return name;
}

// The optional "explain" field: a JSON boolean, nothing else (no "true" strings, no 0/1).
Read<bool> read_explain(od::value value, Issues& issues) {
  od::json_type type;
  // (A bare error_code would convert to the optional<bool> as well: say which side it is.)
  if (auto error = value.type().get(type)) return {boost::system::in_place_error, error};
  if (type != od::json_type::boolean) {
    issues.add(issue("bool_type", "Input should be a valid boolean", {"body", "explain"}));
    return std::nullopt;
  }
  bool explain = false;
  if (auto error = value.get_bool().get(explain)) return {boost::system::in_place_error, error};
  return explain;
}

// Reads an optional field's value into `*into` unless it was seen already (then a duplicate).
template <typename T, typename Reader>
simdjson::error_code read_once(std::string_view key, bool& seen, od::value value, T& into,
                               Issues& issues, Reader reader) {
  if (seen) {
    issues.add(issue("duplicate_key", "Duplicate key in JSON object", {"body", std::string(key)}));
    return simdjson::SUCCESS;
  }
  seen = true;
  auto read = reader(value, issues);
  if (!read) return read.error();
  if (read->has_value()) into = **read;
  return simdjson::SUCCESS;
}

// Iterates the top-level object, calling on_field(value) for the `expected` field and reading
// "model" and "explain" into `*options` when the caller accepts them; every duplicate, other
// field or missing field is an issue. Returns a JSON error, or SUCCESS when the walk finished.
template <typename OnField>
simdjson::error_code for_fields(od::document& doc, std::string_view expected, BodyOptions* options,
                                Issues& issues, OnField on_field) {
  od::json_type type;
  if (auto error = doc.type().get(type)) return error;
  if (type != od::json_type::object) {
    issues.add(not_an_object());
    return simdjson::SUCCESS;
  }
  od::object object;
  if (auto error = doc.get_object().get(object)) return error;
  bool seen = false;
  bool seen_model = false;
  bool seen_explain = false;
  for (auto field : object) {
    if (issues.full()) break;
    std::string_view key;
    if (auto error = field.unescaped_key().get(key)) return error;
    simdjson::error_code error = simdjson::SUCCESS;
    if (key == "model" && options != nullptr) {
      error = read_once(key, seen_model, field.value(), options->model, issues, read_model_name);
    } else if (key == "explain" && options != nullptr) {
      error = read_once(key, seen_explain, field.value(), options->explain, issues, read_explain);
    } else if (key != expected) {
      issues.add(
          issue("extra_forbidden", "Extra inputs are not permitted", {"body", std::string(key)}));
    } else if (seen) {
      issues.add(
          issue("duplicate_key", "Duplicate key in JSON object", {"body", std::string(key)}));
    } else {
      seen = true;
      error = on_field(field.value());
    }
    if (error) return error;
  }
  if (!seen) issues.add(issue("missing", "Field required", {"body", std::string(expected)}));
  if (issues.full()) return simdjson::SUCCESS;  // not read to its end: json_error_in walks it
  // Anything after the object (a second document, garbage) is refused too.
  if (!doc.current_location().error())
    issues.add(issue("json_invalid", "JSON decode error", {"body"}));
  return simdjson::SUCCESS;
}

// The 422's issues for a body whose walk found issues or stopped at a JSON error: the JSON error
// alone if the body is not well-formed JSON (schema issues in a broken body mean little),
// otherwise every issue found.
ValidationIssues refusal(od::parser& parser, const simdjson::padded_string_view& body,
                         std::size_t max_depth, simdjson::error_code walk_error, Issues& issues) {
  if (auto broken = json_error_in(parser, body, max_depth)) return {*broken};
  if (walk_error) return {json_issue(walk_error)};
  return issues.take();
}

// Walks the texts array: each text read with its rules (every refused one an issue), then the
// count and total size limits, which stop the walk (what follows would only add noise).
simdjson::error_code read_texts(od::value value, const InputLimits& limits,
                                std::vector<std::string_view>& texts, Issues& issues) {
  od::json_type type;
  if (auto error = value.type().get(type)) return error;
  if (type != od::json_type::array) {
    issues.add(issue("list_type", "Input should be a valid list", {"body", "texts"}));
    return simdjson::SUCCESS;
  }
  od::array array;
  if (auto error = value.get_array().get(array)) return error;
  std::size_t total_bytes = 0;
  std::size_t index = 0;
  for (auto element : array) {
    od::value item;
    if (auto error = element.get(item)) return error;
    if (index >= limits.max_batch_texts) {
      issues.add(
          issue("too_long",
                "List should have at most " + std::to_string(limits.max_batch_texts) + " items",
                {"body", "texts"}));
      return simdjson::SUCCESS;
    }
    auto text = read_text(item, TextLocation{"texts", index}, limits, issues);
    ++index;
    if (!text) return text.error();
    if (!text->has_value()) {
      if (issues.full()) return simdjson::SUCCESS;
      continue;
    }
    total_bytes += (*text)->size();
    if (total_bytes > limits.max_batch_text_bytes) {
      issues.add(issue(
          "too_long",
          "Texts should total at most " + std::to_string(limits.max_batch_text_bytes) + " bytes",
          {"body", "texts"}));
      return simdjson::SUCCESS;
    }
    texts.push_back(**text);
  }
  if (index == 0)
    issues.add(issue("too_short", "List should have at least 1 item", {"body", "texts"}));
  return simdjson::SUCCESS;
}

}  // namespace

boost::system::result<std::string_view, ValidationIssues> parse_predict_body(
    od::parser& parser, const simdjson::padded_string_view& body, const InputLimits& limits,
    BodyOptions* options) {
  if (body.length() == 0) return ValidationIssues{issue("missing", "Field required", {"body"})};
  od::document doc;
  if (auto error = parser.iterate(body).get(doc)) return ValidationIssues{json_issue(error)};
  Issues issues;
  std::string_view text;
  const simdjson::error_code error =
      for_fields(doc, "text", options, issues, [&](od::value value) -> simdjson::error_code {
        auto read = read_text(value, TextLocation{"text", std::nullopt}, limits, issues);
        if (!read) return read.error();
        if (read->has_value()) text = **read;
        return simdjson::SUCCESS;
      });
  if (error || !issues.empty()) {
    return refusal(parser, body, limits.max_json_depth, error, issues);
  }
  return text;
}

boost::system::result<void, ValidationIssues> parse_batch_body(
    od::parser& parser, const simdjson::padded_string_view& body, const InputLimits& limits,
    std::vector<std::string_view>& texts, BodyOptions* options) {
  texts.clear();
  if (body.length() == 0) return ValidationIssues{issue("missing", "Field required", {"body"})};
  od::document doc;
  if (auto error = parser.iterate(body).get(doc)) return ValidationIssues{json_issue(error)};
  Issues issues;
  const simdjson::error_code error =
      for_fields(doc, "texts", options, issues, [&](od::value value) -> simdjson::error_code {
        return read_texts(value, limits, texts, issues);
      });
  if (error || !issues.empty()) {
    texts.clear();
    return refusal(parser, body, limits.max_json_depth, error, issues);
  }
  return {};
}

}  // namespace smlapi::api
