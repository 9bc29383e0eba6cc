// The REST answers of the Open Inference Protocol's metadata and health routes as the gRPC
// messages of the same RPCs. Pure, no I/O.
#pragma once

#include "grpc/infer_conversion.h"
#include "grpc_predict_v2.pb.h"

#include <boost/system/result.hpp>

#include <string_view>

namespace smlapi::grpc_api {

// GET /v2: {"name","version","extensions":[...]}.
boost::system::result<void, ConversionError> from_server_metadata(
    std::string_view json, inference::ServerMetadataResponse& response);

// GET /v2/models/{name}[/versions/{v}]: name, versions, platform, inputs and outputs.
boost::system::result<void, ConversionError> from_model_metadata(
    std::string_view json, inference::ModelMetadataResponse& response);

// The boolean `key` of a health answer ({"live":true}, {"name":..,"ready":false}).
boost::system::result<bool, ConversionError> flag_of(std::string_view json, const char* key);

}  // namespace smlapi::grpc_api
