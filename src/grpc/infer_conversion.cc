#include "grpc/infer_conversion.h"

#include "common/json_writer.h"
#include "common/utf8.h"
#include "grpc/raw_contents.h"

#include <simdjson.h>

#include <bit>
#include <cstdint>
#include <cstring>

namespace smlapi::grpc_api {

namespace {

bool url_safe(std::string_view text) {
  for (char c : text) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '.' || c == '_' || c == '~' || c == '+' || c == '-';
    if (!ok) return false;
  }
  return true;
}

bool valid_utf8(std::string_view text) {
  while (!text.empty()) {
    const std::size_t length = utf8::sequence_length(text);
    if (length == 0) return false;
    text.remove_prefix(length);
  }
  return true;
}

ConversionError invalid(std::string message) {
  return ConversionError{RpcCode::invalid_argument, std::move(message)};
}

std::string input_label(int index) { return "inputs[" + std::to_string(index) + "]"; }

// JSON array elements from a BYTES tensor's elements; JSON strings must be UTF-8.
template <typename Elements>
boost::system::result<void, ConversionError> append_texts(std::string& out,
                                                          const Elements& elements, int index) {
  bool first = true;
  for (const auto& element : elements) {
    std::string_view text(element);
    if (!valid_utf8(text)) {
      return invalid(input_label(index) + ": a BYTES element is not valid UTF-8 text");
    }
    if (!first) out.push_back(',');
    first = false;
    json::append_string(out, text);
  }
  return {};
}

// Appends each value with `append`, comma-separated across calls sharing `first`.
template <typename Values, typename Append>
void append_values(std::string& out, const Values& values, Append append, bool& first) {
  for (const auto& value : values) {
    if (!first) out.push_back(',');
    first = false;
    append(value);
  }
}

template <typename Values, typename Append>
void append_values(std::string& out, const Values& values, Append append) {
  bool first = true;
  append_values(out, values, append, first);
}

// The typed contents of a non-BYTES tensor as JSON numbers or booleans, from whichever fields
// the client filled (the REST parser refuses the datatype with its own message).
void append_typed(std::string& out, const inference::InferTensorContents& contents) {
  auto integer = [&out](auto v) { json::append_integer(out, static_cast<long long>(v)); };
  auto number = [&out](auto v) { json::append_number(out, static_cast<double>(v)); };
  bool first = true;
  append_values(
      out, contents.bool_contents(), [&out](bool v) { out += v ? "true" : "false"; }, first);
  append_values(out, contents.int_contents(), integer, first);
  append_values(out, contents.int64_contents(), integer, first);
  append_values(out, contents.uint_contents(), integer, first);
  append_values(out, contents.uint64_contents(), integer, first);
  append_values(out, contents.fp32_contents(), number, first);
  append_values(out, contents.fp64_contents(), number, first);
}

boost::system::result<void, ConversionError> append_input(
    std::string& out, const inference::ModelInferRequest& request, int index) {
  const auto& input = request.inputs(index);
  out += "{\"name\":";
  json::append_string(out, input.name());
  out += ",\"datatype\":";
  json::append_string(out, input.datatype());
  out += ",\"shape\":[";
  append_values(out, input.shape(), [&out](std::int64_t d) { json::append_integer(out, d); });
  out += "],\"data\":[";
  const bool is_bytes = input.datatype() == "BYTES";
  if (request.raw_input_contents_size() > 0) {
    if (!is_bytes) {
      return invalid(input_label(index) +
                     ": raw_input_contents are accepted for BYTES tensors only");
    }
    auto elements = split_raw_bytes(request.raw_input_contents(index));
    if (!elements) return invalid(input_label(index) + ": " + elements.error().message);
    if (auto ok = append_texts(out, *elements, index); !ok) return ok.error();
  } else if (is_bytes) {
    if (auto ok = append_texts(out, input.contents().bytes_contents(), index); !ok) {
      return ok.error();
    }
  } else {
    append_typed(out, input.contents());
  }
  out += "]}";
  return {};
}

}  // namespace

boost::system::result<std::string, ConversionError> model_target(std::string_view name,
                                                                 std::string_view version,
                                                                 std::string_view suffix) {
  if (name.empty()) return invalid("a model name is required");
  if (!url_safe(name) || !url_safe(version)) {
    return ConversionError{RpcCode::not_found, "unknown model or model version"};
  }
  std::string target = "/v2/models/";
  target.append(name);
  if (!version.empty()) target.append("/versions/").append(version);
  target.append(suffix);
  return target;
}

boost::system::result<InternalInfer, ConversionError> to_internal_infer(
    const inference::ModelInferRequest& request) {
  InternalInfer internal;
  auto target = model_target(request.model_name(), request.model_version(), "/infer");
  if (!target) return target.error();
  internal.target = std::move(*target);
  const int raw_count = request.raw_input_contents_size();
  internal.raw_output = raw_count > 0;
  if (raw_count > 0) {
    if (raw_count != request.inputs_size()) {
      return invalid("raw_input_contents must hold one entry per input");
    }
    for (const auto& input : request.inputs()) {
      if (input.has_contents()) {
        return invalid("an input has contents although raw_input_contents is used");
      }
    }
  }
  std::string& body = internal.body;
  body = "{";
  if (!request.id().empty()) {
    body += "\"id\":";
    json::append_string(body, request.id());
    body += ',';
  }
  body += "\"inputs\":[";
  for (int i = 0; i < request.inputs_size(); ++i) {
    if (i > 0) body += ',';
    if (auto ok = append_input(body, request, i); !ok) return ok.error();
  }
  body += ']';
  if (request.outputs_size() > 0) {
    body += ",\"outputs\":[";
    for (int i = 0; i < request.outputs_size(); ++i) {
      if (i > 0) body += ',';
      body += "{\"name\":";
      json::append_string(body, request.outputs(i).name());
      body += '}';
    }
    body += ']';
  }
  body += '}';
  return internal;
}

namespace {

ConversionError internal_error() {
  return ConversionError{RpcCode::internal, "the inference answer could not be converted"};
}

template <typename T>
void append_little_endian(std::string& out, T value) {
  std::uint64_t bits = 0;
  std::memcpy(&bits, &value, sizeof bits);
  for (int i = 0; i < 8; ++i) out.push_back(static_cast<char>((bits >> (8 * i)) & 0xFF));
}

boost::system::result<void, ConversionError> convert_output(
    simdjson::dom::object output, bool raw_output, inference::ModelInferResponse& response) {
  std::string_view name;
  std::string_view datatype;
  simdjson::dom::array shape;
  simdjson::dom::array data;
  if (output["name"].get(name) || output["datatype"].get(datatype) || output["shape"].get(shape) ||
      output["data"].get(data)) {
    return internal_error();
  }
  auto* tensor = response.add_outputs();
  tensor->set_name(std::string(name));
  tensor->set_datatype(std::string(datatype));
  for (auto dim : shape) {
    std::int64_t size = 0;
    if (dim.get(size)) return internal_error();
    tensor->add_shape(size);
  }
  std::string* raw = raw_output ? response.add_raw_output_contents() : nullptr;
  const bool is_int = datatype == "INT64";
  if (!is_int && datatype != "FP64") return internal_error();
  for (auto value : data) {
    if (is_int) {
      std::int64_t number = 0;
      if (value.get(number)) return internal_error();
      raw != nullptr ? append_little_endian(*raw, number)
                     : tensor->mutable_contents()->add_int64_contents(number);
    } else {
      double number = 0;
      if (value.get(number)) return internal_error();
      raw != nullptr ? append_little_endian(*raw, number)
                     : tensor->mutable_contents()->add_fp64_contents(number);
    }
  }
  return {};
}

}  // namespace

boost::system::result<void, ConversionError> from_internal_infer(
    std::string_view json, bool raw_output, inference::ModelInferResponse& response) {
  simdjson::dom::parser parser;
  simdjson::dom::object root;
  if (parser.parse(json.data(), json.size(), true).get(root)) return internal_error();
  std::string_view text;
  if (root["model_name"].get(text) == simdjson::SUCCESS) response.set_model_name(std::string(text));
  if (root["model_version"].get(text) == simdjson::SUCCESS) {
    response.set_model_version(std::string(text));
  }
  if (root["id"].get(text) == simdjson::SUCCESS) response.set_id(std::string(text));
  simdjson::dom::array outputs;
  if (root["outputs"].get(outputs)) return internal_error();
  for (auto output : outputs) {
    simdjson::dom::object object;
    if (output.get(object)) return internal_error();
    if (auto ok = convert_output(object, raw_output, response); !ok) return ok.error();
  }
  return {};
}

}  // namespace smlapi::grpc_api
