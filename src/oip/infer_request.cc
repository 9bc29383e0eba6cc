#include "oip/infer_request.h"

#include <algorithm>
#include <cstdint>
#include <initializer_list>
#include <limits>
#include <utility>

#include <simdjson.h>

#include "common/utf8.h"
#include "oip/binary_extension.h"

namespace smlapi::oip {

namespace {

using simdjson::dom::array;
using simdjson::dom::element;
using simdjson::dom::element_type;
using simdjson::dom::object;
using ParseResult = boost::system::result<InferRequest, OipError>;

// Starting capacity of a fresh parser; it grows to the largest body seen.
constexpr std::size_t kInitialCapacity = 4096;
constexpr std::string_view kInputName = "text";
constexpr std::string_view kInputDatatype = "BYTES";

OipError bad_request(std::string message) {
  return {OipErrorKind::bad_request, std::move(message)};
}

OipError too_large(std::string message) {
  return {OipErrorKind::payload_too_large, std::move(message)};
}

OipError json_error(simdjson::error_code code) {
  switch (code) {
    case simdjson::UTF8_ERROR:
      return bad_request("request body is not valid UTF-8");
    case simdjson::DEPTH_ERROR:
      return bad_request("request body nests JSON deeper than an inference request needs");
    case simdjson::EMPTY:
      return bad_request("request body is empty");
    case simdjson::CAPACITY:
      return too_large("request body is too large");
    default:
      return bad_request("request body is not valid JSON");
  }
}

// Rejects duplicate keys anywhere in the document: parsers disagree on which duplicate wins, so
// accepting them lets two components read two different requests. Recursion is bounded by the
// parser's maximum depth (kMaxJsonDepth).
bool has_duplicate_keys(element value) {
  if (value.type() == element_type::ARRAY) {
    for (element item : array(value)) {
      if (has_duplicate_keys(item)) return true;
    }
    return false;
  }
  if (value.type() != element_type::OBJECT) return false;
  std::vector<std::string_view> keys;
  for (auto field : object(value)) {
    keys.push_back(field.key);
    if (has_duplicate_keys(field.value)) return true;
  }
  std::sort(keys.begin(), keys.end());
  return std::adjacent_find(keys.begin(), keys.end()) != keys.end();
}

std::string join(std::initializer_list<std::string_view> names) {
  std::string list;
  for (std::string_view name : names) {
    if (!list.empty()) list += ", ";
    list += name;
  }
  return list;
}

// Null when every key of `fields` is one of `allowed`.
std::optional<OipError> reject_unknown_fields(object fields,
                                              std::initializer_list<std::string_view> allowed,
                                              std::string_view where) {
  for (auto field : fields) {
    if (std::find(allowed.begin(), allowed.end(), field.key) == allowed.end()) {
      return bad_request("unknown field in " + std::string(where) + " (accepted: " + join(allowed) +
                         ")");
    }
  }
  return std::nullopt;
}

// `parameters` objects are accepted and otherwise ignored; the binary extension's boolean
// flag (`binary_data_output` on the request, `binary_data` on an output) is read into `flag`.
std::optional<OipError> read_parameters(element value, std::string_view where,
                                        std::string_view flag_name, bool& flag) {
  object parameters;
  if (value.get_object().get(parameters) != simdjson::SUCCESS) {
    return bad_request(std::string(where) + " parameters must be a JSON object");
  }
  element flag_value;
  if (parameters.at_key(flag_name).get(flag_value) == simdjson::SUCCESS &&
      flag_value.get_bool().get(flag) != simdjson::SUCCESS) {
    return bad_request(std::string(where) + " parameter " + std::string(flag_name) +
                       " must be true or false");
  }
  return std::nullopt;
}

// The `binary_data_size` parameter of the input: its texts are in the binary part of the body.
boost::system::result<std::optional<std::size_t>, OipError> binary_data_size(object input) {
  element value;
  if (input.at_key("parameters").get(value) != simdjson::SUCCESS) return std::nullopt;
  object parameters;
  if (value.get_object().get(parameters) != simdjson::SUCCESS) {
    return bad_request("input parameters must be a JSON object");
  }
  element size;
  if (parameters.at_key("binary_data_size").get(size) != simdjson::SUCCESS) return std::nullopt;
  std::uint64_t bytes = 0;
  if (size.get_uint64().get(bytes) != simdjson::SUCCESS) {
    return bad_request("input parameter binary_data_size must be a non-negative integer");
  }
  return static_cast<std::size_t>(
      std::min<std::uint64_t>(bytes, std::numeric_limits<std::size_t>::max()));
}

// The request parameter "explain": absent is false; present, it must be a JSON boolean (a
// string "true" or 1 is refused rather than guessed). `parameters` is an object (checked).
boost::system::result<bool, OipError> read_explain(element parameters) {
  element value;
  if (object(parameters).at_key("explain").get(value) != simdjson::SUCCESS) return false;
  bool explain = false;
  if (value.get_bool().get(explain) != simdjson::SUCCESS) {
    return bad_request("request parameter 'explain' must be true or false");
  }
  return explain;
}

std::size_t saturating_multiply(std::size_t a, std::size_t b) noexcept {
  if (a != 0 && b > std::numeric_limits<std::size_t>::max() / a) {
    return std::numeric_limits<std::size_t>::max();
  }
  return a * b;
}

// The validated `shape`: its dimensions and their product (saturated; exact whenever it is
// small enough to matter).
struct Shape {
  std::vector<std::size_t> dims;
  std::size_t element_count = 1;
};

boost::system::result<Shape, OipError> parse_shape(element value) {
  array dims;
  if (value.get_array().get(dims) != simdjson::SUCCESS) {
    return bad_request("input 'text' shape must be an array of integers");
  }
  if (dims.size() > kMaxShapeRank) {
    return bad_request("input 'text' shape has more than " + std::to_string(kMaxShapeRank) +
                       " dimensions");
  }
  Shape shape;
  for (element dim : dims) {
    std::uint64_t size = 0;
    if (dim.get_uint64().get(size) != simdjson::SUCCESS) {
      return bad_request("input 'text' shape dimensions must be non-negative integers");
    }
    const auto bounded = static_cast<std::size_t>(
        std::min<std::uint64_t>(size, std::numeric_limits<std::size_t>::max()));
    shape.dims.push_back(bounded);
    shape.element_count = saturating_multiply(shape.element_count, bounded);
  }
  return shape;
}

// Collects the strings of the `text` tensor, enforcing the per-text and total size limits.
class TextCollector {
 public:
  TextCollector(const InferLimits& limits, std::vector<std::string>& texts)
      : limits_(limits), texts_(texts) {}

  std::optional<OipError> add(element value) {
    std::string_view text;
    if (value.get_string().get(text) != simdjson::SUCCESS) {
      return bad_request("input 'text' data must contain only JSON strings (datatype BYTES)");
    }
    return add_text(text);
  }

  // A text from JSON (simdjson validated its UTF-8) or from binary data (checked here).
  std::optional<OipError> add_text(std::string_view text, bool check_utf8 = false) {
    if (check_utf8 && !simdjson::validate_utf8(text.data(), text.size())) {
      return bad_request("input 'text' binary data holds a text that is not valid UTF-8");
    }
    if (text.empty()) {
      return bad_request(
          "input 'text' holds an empty string: each text needs at least 1 character");
    }
    if (utf8::code_point_count(text) > limits_.max_text_chars) {
      return too_large("a text is longer than " + std::to_string(limits_.max_text_chars) +
                       " characters");
    }
    total_bytes_ += text.size();
    if (total_bytes_ > limits_.max_total_bytes) {
      return too_large("texts total more than " + std::to_string(limits_.max_total_bytes) +
                       " bytes");
    }
    texts_.emplace_back(text);
    return std::nullopt;
  }

  // Nested data: every array at `level` must have shape.dims[level] items; the innermost hold
  // strings. Recursion depth is at most kMaxShapeRank.
  std::optional<OipError> add_nested(array values, const Shape& shape, std::size_t level) {
    if (values.size() != shape.dims[level]) return shape_mismatch();
    const bool innermost = level + 1 == shape.dims.size();
    for (element value : values) {
      if (innermost) {
        if (auto error = add(value)) return error;
        continue;
      }
      array inner;
      if (value.get_array().get(inner) != simdjson::SUCCESS) return shape_mismatch();
      if (auto error = add_nested(inner, shape, level + 1)) return error;
    }
    return std::nullopt;
  }

  static OipError shape_mismatch() {
    return bad_request("input 'text' data does not match its shape");
  }

 private:
  const InferLimits& limits_;
  std::vector<std::string>& texts_;
  std::size_t total_bytes_ = 0;
};

// The shape's text count, within the limits.
std::optional<OipError> check_text_count(const Shape& shape, const InferLimits& limits) {
  if (shape.element_count == 0) {
    return bad_request("input 'text' is empty: send at least one text");
  }
  if (shape.element_count > limits.max_texts) {
    return too_large("too many texts: at most " + std::to_string(limits.max_texts) +
                     " per request");
  }
  return std::nullopt;
}

std::optional<OipError> collect_texts(element data_value, const Shape& shape,
                                      const InferLimits& limits, std::vector<std::string>& texts) {
  array data;
  if (data_value.get_array().get(data) != simdjson::SUCCESS) {
    return bad_request("input 'text' data must be an array of JSON strings");
  }
  if (auto error = check_text_count(shape, limits)) return error;
  texts.reserve(shape.element_count);
  TextCollector collector(limits, texts);
  const bool nested = data.size() > 0 && data.at(0).value_unsafe().type() == element_type::ARRAY;
  if (nested) {
    if (shape.dims.size() < 2) return TextCollector::shape_mismatch();
    return collector.add_nested(data, shape, 0);
  }
  // Flattened representation: row-major order, as many strings as the shape holds.
  if (data.size() != shape.element_count) return TextCollector::shape_mismatch();
  for (element value : data) {
    if (auto error = collector.add(value)) return error;
  }
  return std::nullopt;
}

// Binary tensor data: the input's `size` bytes, the whole binary part (one input), as BYTES
// elements.
std::optional<OipError> collect_binary_texts(std::string_view binary, std::size_t size,
                                             const Shape& shape, const InferLimits& limits,
                                             std::vector<std::string>& texts) {
  if (size != binary.size()) {
    return bad_request("input 'text' binary_data_size (" + std::to_string(size) +
                       ") does not match the binary data after the JSON header (" +
                       std::to_string(binary.size()) + " bytes)");
  }
  if (auto error = check_text_count(shape, limits)) return error;
  std::vector<std::string_view> elements;
  elements.reserve(shape.element_count);
  if (auto decoded = decode_bytes_elements(binary, shape.element_count, elements); !decoded) {
    return decoded.error();
  }
  texts.reserve(shape.element_count);
  TextCollector collector(limits, texts);
  for (std::string_view text : elements) {
    if (auto error = collector.add_text(text, true)) return error;
  }
  return std::nullopt;
}

std::optional<OipError> parse_input(element value, const InferLimits& limits,
                                    std::string_view binary, std::vector<std::string>& texts) {
  object input;
  if (value.get_object().get(input) != simdjson::SUCCESS) {
    return bad_request("each input must be a JSON object");
  }
  if (auto error = reject_unknown_fields(input, {"name", "shape", "datatype", "parameters", "data"},
                                         "an input")) {
    return error;
  }
  std::string_view name;
  if (input.at_key("name").get_string().get(name) != simdjson::SUCCESS) {
    return bad_request("input name is required and must be a string");
  }
  if (name != kInputName) {
    return bad_request("unknown input name: this model has one input, named 'text'");
  }
  std::string_view datatype;
  if (input.at_key("datatype").get_string().get(datatype) != simdjson::SUCCESS) {
    return bad_request("input 'text' datatype is required and must be a string");
  }
  if (datatype != kInputDatatype) {
    return bad_request("input 'text' must have datatype BYTES");
  }
  auto binary_size = binary_data_size(input);
  if (!binary_size) return binary_size.error();
  element shape_value;
  if (input.at_key("shape").get(shape_value) != simdjson::SUCCESS) {
    return bad_request("input 'text' shape is required");
  }
  auto shape = parse_shape(shape_value);
  if (!shape) return shape.error();
  element data;
  const bool has_data = input.at_key("data").get(data) == simdjson::SUCCESS;
  if (*binary_size) {
    if (has_data) return bad_request("input 'text' has both data and binary_data_size");
    return collect_binary_texts(binary, **binary_size, *shape, limits, texts);
  }
  if (!binary.empty()) {
    return bad_request(
        "the body has binary data after its JSON header, but input 'text' has no "
        "binary_data_size parameter");
  }
  if (!has_data) return bad_request("input 'text' data is required");
  return collect_texts(data, *shape, limits, texts);
}

std::optional<OipError> parse_inputs(object request, const InferLimits& limits,
                                     std::string_view binary, std::vector<std::string>& texts) {
  element value;
  if (request.at_key("inputs").get(value) != simdjson::SUCCESS) {
    return bad_request("inputs is required");
  }
  array inputs;
  if (value.get_array().get(inputs) != simdjson::SUCCESS) {
    return bad_request("inputs must be an array");
  }
  if (inputs.size() != 1) {
    return bad_request("this model takes exactly one input, named 'text'");
  }
  return parse_input(inputs.at(0).value_unsafe(), limits, binary, texts);
}

std::optional<OipError> parse_outputs(object request, InferRequest& parsed) {
  std::vector<std::string>& outputs = parsed.outputs;
  element value;
  if (request.at_key("outputs").get(value) == simdjson::SUCCESS) {
    array requested;
    if (value.get_array().get(requested) != simdjson::SUCCESS) {
      return bad_request("outputs must be an array");
    }
    for (element item : requested) {
      object output;
      if (item.get_object().get(output) != simdjson::SUCCESS) {
        return bad_request("each requested output must be a JSON object");
      }
      if (auto error = reject_unknown_fields(output, {"name", "parameters"}, "an output")) {
        return error;
      }
      element parameters;
      bool binary = false;
      if (output.at_key("parameters").get(parameters) == simdjson::SUCCESS) {
        if (auto error = read_parameters(parameters, "output", "binary_data", binary)) {
          return error;
        }
      }
      std::string_view name_text;
      if (output.at_key("name").get_string().get(name_text) != simdjson::SUCCESS) {
        return bad_request("output name is required and must be a string");
      }
      if (outputs.size() == kMaxRequestedOutputs) {
        return bad_request("too many outputs requested: no model has more than 16");
      }
      if (std::find(outputs.begin(), outputs.end(), name_text) != outputs.end()) {
        return bad_request("output requested more than once");
      }
      outputs.emplace_back(name_text);
      if (binary) parsed.binary_outputs.emplace_back(name_text);
    }
  }
  return std::nullopt;
}

ParseResult parse_request(element root, const InferLimits& limits, std::string_view binary) {
  object request;
  if (root.get_object().get(request) != simdjson::SUCCESS) {
    return bad_request("request body must be a JSON object");
  }
  if (has_duplicate_keys(root)) return bad_request("request body has a duplicate key");
  if (auto error = reject_unknown_fields(request, {"id", "parameters", "inputs", "outputs"},
                                         "the request")) {
    return *error;
  }
  InferRequest parsed;
  element id;
  if (request.at_key("id").get(id) == simdjson::SUCCESS && !id.is_null()) {
    std::string_view id_text;
    if (id.get_string().get(id_text) != simdjson::SUCCESS)
      return bad_request("id must be a string");
    parsed.id.emplace(id_text);
  }
  element parameters;
  if (request.at_key("parameters").get(parameters) == simdjson::SUCCESS) {
    if (auto error = read_parameters(parameters, "request", "binary_data_output",
                                     parsed.all_outputs_binary)) {
      return *error;
    }
    auto explain = read_explain(parameters);
    if (!explain) return explain.error();
    parsed.explain = *explain;
  }
  if (auto error = parse_inputs(request, limits, binary, parsed.texts)) return *error;
  if (auto error = parse_outputs(request, parsed)) return *error;
  return parsed;
}

}  // namespace

struct InferRequestParser::Impl {
  explicit Impl(InferLimits parser_limits) : limits(parser_limits) {}
  InferLimits limits;
  simdjson::dom::parser json;
};

InferRequestParser::InferRequestParser(InferLimits limits) : impl_(std::make_unique<Impl>(limits)) {
  // Fixing the depth here makes every later reallocation keep it (simdjson reuses max_depth()).
  if (impl_->json.allocate(kInitialCapacity, kMaxJsonDepth) != simdjson::SUCCESS) {
    throw std::bad_alloc();
  }
}

InferRequestParser::~InferRequestParser() = default;
InferRequestParser::InferRequestParser(InferRequestParser&&) noexcept = default;
InferRequestParser& InferRequestParser::operator=(InferRequestParser&&) noexcept = default;

ParseResult InferRequestParser::parse(std::string_view json, std::string_view binary) {
  element root;
  const auto code = impl_->json.parse(json.data(), json.size()).get(root);
  if (code != simdjson::SUCCESS) return json_error(code);
  return parse_request(root, impl_->limits, binary);
}

ParseResult parse_infer_request(std::string_view json, const InferLimits& limits,
                                std::string_view binary) {
  InferRequestParser parser(limits);
  return parser.parse(json, binary);
}

bool InferRequest::output_binary(std::string_view name) const {
  return all_outputs_binary ||
         std::find(binary_outputs.begin(), binary_outputs.end(), name) != binary_outputs.end();
}

}  // namespace smlapi::oip
