// Fuzzes the gRPC side of ModelInfer: bytes parsed as a ModelInferRequest (protobuf), converted
// to the internal Open Inference Protocol REST request, which the REST parser then judges; the
// same bytes as raw BYTES contents, as an internal JSON answer to convert back, and as an error
// body. Invariants: no crash or sanitizer report; a converted request's target is a /v2 model
// route and its body valid JSON the REST parser answers (accepted or refused with a message);
// every conversion error has a message; raw contents re-encode to the same bytes.
#include "grpc/infer_conversion.h"
#include "grpc/metadata_conversion.h"
#include "grpc/raw_contents.h"
#include "grpc/status_mapping.h"
#include "oip/infer_request.h"

#include <simdjson.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

namespace {

void require(bool condition) {
  if (!condition) std::abort();
}

void check_request(const inference::ModelInferRequest& request) {
  auto internal = smlapi::grpc_api::to_internal_infer(request);
  if (!internal) {
    require(!internal.error().message.empty());
    return;
  }
  require(internal->target.starts_with("/v2/models/") && internal->target.ends_with("/infer"));
  simdjson::dom::parser parser;
  simdjson::dom::element root;
  require(parser.parse(internal->body).get(root) == simdjson::SUCCESS);
  auto parsed = smlapi::oip::parse_infer_request(internal->body, smlapi::oip::InferLimits{});
  if (!parsed) require(!parsed.error().message.empty());
}

void check_raw(std::string_view bytes) {
  auto elements = smlapi::grpc_api::split_raw_bytes(bytes);
  if (!elements) {
    require(!elements.error().message.empty());
    return;
  }
  std::string again;
  for (std::string_view element : *elements) smlapi::grpc_api::append_raw_bytes(again, element);
  require(again == bytes);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  inference::ModelInferRequest request;
  if (request.ParseFromArray(data, static_cast<int>(size))) check_request(request);
  check_raw(bytes);
  inference::ModelInferResponse response;
  for (bool raw : {false, true}) {
    response.Clear();
    auto converted = smlapi::grpc_api::from_internal_infer(bytes, raw, response);
    if (!converted) require(!converted.error().message.empty());
  }
  inference::ModelMetadataResponse metadata;
  (void)smlapi::grpc_api::from_model_metadata(bytes, metadata);
  (void)smlapi::grpc_api::error_message(bytes, 400);
  return 0;
}
