#include "grpc/metadata_conversion.h"

#include <simdjson.h>

#include <cstdint>

namespace smlapi::grpc_api {

namespace {

ConversionError internal_error() {
  return ConversionError{RpcCode::internal, "the metadata answer could not be converted"};
}

template <typename Add>
bool each_string(simdjson::dom::element parent, const char* key, Add add) {
  simdjson::dom::array items;
  if (parent[key].get(items)) return false;
  for (auto item : items) {
    std::string_view text;
    if (item.get(text)) return false;
    add(std::string(text));
  }
  return true;
}

bool convert_tensors(
    simdjson::dom::element root, const char* key,
    google::protobuf::RepeatedPtrField<inference::ModelMetadataResponse::TensorMetadata>& out) {
  simdjson::dom::array tensors;
  if (root[key].get(tensors)) return false;
  for (auto tensor : tensors) {
    std::string_view name;
    std::string_view datatype;
    simdjson::dom::array shape;
    if (tensor["name"].get(name) || tensor["datatype"].get(datatype) ||
        tensor["shape"].get(shape)) {
      return false;
    }
    auto* metadata = out.Add();
    metadata->set_name(std::string(name));
    metadata->set_datatype(std::string(datatype));
    for (auto dim : shape) {
      std::int64_t size = 0;
      if (dim.get(size)) return false;
      metadata->add_shape(size);
    }
  }
  return true;
}

}  // namespace

boost::system::result<void, ConversionError> from_server_metadata(
    std::string_view json, inference::ServerMetadataResponse& response) {
  simdjson::dom::parser parser;
  simdjson::dom::element root;
  std::string_view name;
  std::string_view version;
  if (parser.parse(json.data(), json.size(), true).get(root) || root["name"].get(name) ||
      root["version"].get(version)) {
    return internal_error();
  }
  response.set_name(std::string(name));
  response.set_version(std::string(version));
  if (!each_string(root, "extensions",
                   [&response](std::string text) { response.add_extensions(std::move(text)); })) {
    return internal_error();
  }
  return {};
}

boost::system::result<void, ConversionError> from_model_metadata(
    std::string_view json, inference::ModelMetadataResponse& response) {
  simdjson::dom::parser parser;
  simdjson::dom::element root;
  std::string_view name;
  std::string_view platform;
  if (parser.parse(json.data(), json.size(), true).get(root) || root["name"].get(name) ||
      root["platform"].get(platform)) {
    return internal_error();
  }
  response.set_name(std::string(name));
  response.set_platform(std::string(platform));
  if (!each_string(root, "versions",
                   [&response](std::string text) { response.add_versions(std::move(text)); }) ||
      !convert_tensors(root, "inputs", *response.mutable_inputs()) ||
      !convert_tensors(root, "outputs", *response.mutable_outputs())) {
    return internal_error();
  }
  return {};
}

boost::system::result<bool, ConversionError> flag_of(std::string_view json, const char* key) {
  simdjson::dom::parser parser;
  simdjson::dom::element root;
  bool flag = false;
  if (parser.parse(json.data(), json.size(), true).get(root) || root[key].get(flag)) {
    return internal_error();
  }
  return flag;
}

}  // namespace smlapi::grpc_api
