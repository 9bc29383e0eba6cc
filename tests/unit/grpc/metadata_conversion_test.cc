#include "grpc/metadata_conversion.h"

#include "result_matchers.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace smlapi::grpc_api {
namespace {

using ::smlapi::result_testing::Fails;
using ::smlapi::result_testing::FailsWith;
using ::smlapi::result_testing::Succeeds;
using ::smlapi::result_testing::ValueOf;
using ::testing::ElementsAre;
using ::testing::Field;

TEST(MetadataConversion, ServerMetadata) {
  inference::ServerMetadataResponse response;
  ASSERT_THAT(from_server_metadata(R"({"name":"s","version":"1.0","extensions":["x"]})", response),
              Succeeds());
  EXPECT_EQ(response.name(), "s");
  EXPECT_EQ(response.version(), "1.0");
  EXPECT_THAT(response.extensions(), ElementsAre("x"));
}

TEST(MetadataConversion, ModelMetadata) {
  inference::ModelMetadataResponse response;
  ASSERT_THAT(from_model_metadata(
                  R"({"name":"vader","versions":["v1"],"platform":"p",
                      "inputs":[{"name":"text","datatype":"BYTES","shape":[-1]}],
                      "outputs":[{"name":"neg","datatype":"FP64","shape":[-1]}]})",
                  response),
              Succeeds());
  EXPECT_EQ(response.name(), "vader");
  EXPECT_THAT(response.versions(), ElementsAre("v1"));
  ASSERT_EQ(response.inputs_size(), 1);
  EXPECT_EQ(response.inputs(0).datatype(), "BYTES");
  EXPECT_THAT(response.inputs(0).shape(), ElementsAre(-1));
  EXPECT_EQ(response.outputs(0).name(), "neg");
}

TEST(MetadataConversion, MalformedAnswerIsInternal) {
  inference::ModelMetadataResponse response;
  EXPECT_THAT(from_model_metadata(R"({"name":"vader"})", response),
              FailsWith(Field(&ConversionError::code, RpcCode::internal)));
  inference::ServerMetadataResponse server;
  EXPECT_THAT(from_server_metadata("[]", server), Fails());
}

TEST(MetadataConversion, Flags) {
  EXPECT_TRUE(ValueOf(flag_of(R"({"name":"vader","ready":true})", "ready")));
  EXPECT_FALSE(ValueOf(flag_of(R"({"ready":false})", "ready")));
  EXPECT_THAT(flag_of(R"({"ready":"yes"})", "ready"), Fails());
}

}  // namespace
}  // namespace smlapi::grpc_api
