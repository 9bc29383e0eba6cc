#include "grpc/status_mapping.h"

#include <gtest/gtest.h>

namespace smlapi::grpc_api {
namespace {

TEST(StatusMapping, HttpStatusesMapToTheirGrpcCodes) {
  EXPECT_EQ(rpc_code_for_http_status(200), RpcCode::ok);
  for (unsigned status : {400u, 413u, 415u, 422u}) {
    EXPECT_EQ(rpc_code_for_http_status(status), RpcCode::invalid_argument) << status;
  }
  EXPECT_EQ(rpc_code_for_http_status(401), RpcCode::unauthenticated);
  EXPECT_EQ(rpc_code_for_http_status(403), RpcCode::permission_denied);
  EXPECT_EQ(rpc_code_for_http_status(404), RpcCode::not_found);
  EXPECT_EQ(rpc_code_for_http_status(429), RpcCode::resource_exhausted);
  EXPECT_EQ(rpc_code_for_http_status(503), RpcCode::unavailable);
  for (unsigned status : {405u, 500u, 502u, 504u}) {
    EXPECT_EQ(rpc_code_for_http_status(status), RpcCode::internal) << status;
  }
}

TEST(StatusMapping, CodeNamesAreGrpcs) {
  EXPECT_EQ(rpc_code_name(RpcCode::ok), "OK");
  EXPECT_EQ(rpc_code_name(RpcCode::invalid_argument), "INVALID_ARGUMENT");
  EXPECT_EQ(rpc_code_name(RpcCode::resource_exhausted), "RESOURCE_EXHAUSTED");
  EXPECT_EQ(rpc_code_name(RpcCode::unauthenticated), "UNAUTHENTICATED");
  EXPECT_EQ(rpc_code_name(static_cast<RpcCode>(99)), "UNKNOWN");
}

TEST(StatusMapping, MessageComesFromTheJsonError) {
  EXPECT_EQ(error_message(R"({"error":"unknown model"})", 404), "unknown model");
  EXPECT_EQ(error_message(R"({"detail":"Not authenticated"})", 401), "Not authenticated");
}

TEST(StatusMapping, MessageFallsBackToTheReasonPhrase) {
  EXPECT_EQ(error_message("", 429), "Too Many Requests");
  EXPECT_EQ(error_message("{not json", 503), "Service Unavailable");
  EXPECT_EQ(error_message(R"({"detail":[{"msg":"x"}]})", 500), "Internal Server Error");
}

}  // namespace
}  // namespace smlapi::grpc_api
