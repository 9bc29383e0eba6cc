// ModelInfer as the service already understands it: a KServe V2 gRPC ModelInferRequest becomes
// the equivalent Open Inference Protocol REST request (target and JSON body), and the REST
// answer becomes the ModelInferResponse. Validation stays where it is for HTTP (src/oip/), so
// both protocols accept and refuse the same requests with the same messages; this layer only
// checks what exists in gRPC alone (raw contents, their framing). Pure, no I/O.
#pragma once

#include "grpc/status_mapping.h"
#include "grpc_predict_v2.pb.h"

#include <boost/system/result.hpp>

#include <string>
#include <string_view>

namespace smlapi::grpc_api {

struct ConversionError {
  RpcCode code = RpcCode::invalid_argument;
  std::string message;  // for the client: names the rule, never echoes what was sent
};

// The REST path of a model route: /v2/models/{name}[/versions/{version}]{suffix}, suffix ""
// (metadata), "/ready" or "/infer". Names outside the URL-safe set
// [A-Za-z0-9._~+-] are no model this server has: NOT_FOUND (an empty name: INVALID_ARGUMENT).
boost::system::result<std::string, ConversionError> model_target(std::string_view name,
                                                                 std::string_view version,
                                                                 std::string_view suffix);

struct InternalInfer {
  std::string target;  // POST target
  std::string body;    // the OIP REST inference request (JSON)
  // The request sent its tensors in raw_input_contents: answer in raw_output_contents, which
  // is where tritonclient reads non-BYTES outputs.
  bool raw_output = false;
};

// Typed contents of every datatype are carried over (the REST parser then says which datatype
// the model takes); raw contents only for BYTES tensors.
boost::system::result<InternalInfer, ConversionError> to_internal_infer(
    const inference::ModelInferRequest& request);

// The REST answer (200, JSON) as a ModelInferResponse: FP64 outputs in fp64_contents, INT64 in
// int64_contents, or both as little-endian raw_output_contents when `raw_output`.
boost::system::result<void, ConversionError> from_internal_infer(
    std::string_view json, bool raw_output, inference::ModelInferResponse& response);

}  // namespace smlapi::grpc_api
