#include "grpc/infer_conversion.h"

#include "grpc/raw_contents.h"
#include "result_matchers.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstring>

namespace smlapi::grpc_api {
namespace {

using ::smlapi::result_testing::Fails;
using ::smlapi::result_testing::FailsWith;
using ::smlapi::result_testing::Succeeds;
using ::smlapi::result_testing::ValueOf;
using ::testing::ElementsAre;
using ::testing::Field;
using ::testing::HasSubstr;

inference::ModelInferRequest bytes_request(std::initializer_list<const char*> texts) {
  inference::ModelInferRequest request;
  request.set_model_name("vader");
  auto* input = request.add_inputs();
  input->set_name("text");
  input->set_datatype("BYTES");
  input->add_shape(static_cast<std::int64_t>(texts.size()));
  for (const char* text : texts) input->mutable_contents()->add_bytes_contents(text);
  return request;
}

inference::ModelInferRequest raw_request(std::initializer_list<const char*> texts) {
  inference::ModelInferRequest request = bytes_request({});
  request.mutable_inputs(0)->clear_contents();
  request.mutable_inputs(0)->set_shape(0, static_cast<std::int64_t>(texts.size()));
  std::string* raw = request.add_raw_input_contents();
  for (const char* text : texts) append_raw_bytes(*raw, text);
  return request;
}

TEST(InferConversion, BytesContentsBecomeTheRestBody) {
  auto request = bytes_request({"good", "bad \"day\""});
  request.set_id("42");
  request.add_outputs()->set_name("compound");
  const InternalInfer internal = ValueOf(to_internal_infer(request));
  EXPECT_EQ(internal.target, "/v2/models/vader/infer");
  EXPECT_FALSE(internal.raw_output);
  EXPECT_EQ(internal.body, R"({"id":"42","inputs":[{"name":"text","datatype":"BYTES","shape":[2],)"
                           R"("data":["good","bad \"day\""]}],"outputs":[{"name":"compound"}]})");
}

TEST(InferConversion, RawContentsAreDecodedAndAskForRawOutputs) {
  auto request = raw_request({"good", "bad"});
  request.set_model_version("v1+abc");
  const InternalInfer internal = ValueOf(to_internal_infer(request));
  EXPECT_EQ(internal.target, "/v2/models/vader/versions/v1+abc/infer");
  EXPECT_TRUE(internal.raw_output);
  EXPECT_THAT(internal.body, HasSubstr(R"("data":["good","bad"])"));
  EXPECT_THAT(internal.body, ::testing::Not(HasSubstr("\"id\"")));
}

TEST(InferConversion, RawContentsMustMatchTheInputs) {
  auto request = raw_request({"good"});
  request.add_raw_input_contents("");
  EXPECT_THAT(to_internal_infer(request),
              FailsWith(Field(&ConversionError::message, HasSubstr("one entry per input"))));
  auto mixed = raw_request({"good"});
  mixed.mutable_inputs(0)->mutable_contents()->add_bytes_contents("x");
  EXPECT_THAT(to_internal_infer(mixed),
              FailsWith(Field(&ConversionError::code, RpcCode::invalid_argument)));
}

TEST(InferConversion, BrokenRawFramingIsInvalid) {
  auto request = raw_request({});
  request.set_raw_input_contents(0, std::string("\x09\x00\x00\x00short", 9));
  EXPECT_THAT(to_internal_infer(request),
              FailsWith(Field(&ConversionError::message, HasSubstr("inputs[0]"))));
}

TEST(InferConversion, RawContentsOnlyForBytes) {
  auto request = raw_request({"a"});
  request.mutable_inputs(0)->set_datatype("FP32");
  EXPECT_THAT(to_internal_infer(request),
              FailsWith(Field(&ConversionError::message, HasSubstr("BYTES tensors only"))));
}

TEST(InferConversion, InvalidUtf8IsRefusedNotReplaced) {
  auto request = bytes_request({"ok"});
  request.mutable_inputs(0)->mutable_contents()->set_bytes_contents(0, "\xff");
  EXPECT_THAT(to_internal_infer(request),
              FailsWith(Field(&ConversionError::message, HasSubstr("UTF-8"))));
}

TEST(InferConversion, TypedContentsAreCarriedForTheRestParserToJudge) {
  inference::ModelInferRequest request;
  request.set_model_name("vader");
  auto* input = request.add_inputs();
  input->set_name("text");
  input->set_datatype("FP32");
  input->add_shape(2);
  input->mutable_contents()->add_fp32_contents(1.5F);
  input->mutable_contents()->add_int_contents(3);
  EXPECT_THAT(ValueOf(to_internal_infer(request)).body,
              HasSubstr(R"("datatype":"FP32","shape":[2],"data":[3,1.5])"));
}

TEST(InferConversion, ModelNamesOutsideTheUrlSafeSetAreNoModel) {
  auto request = bytes_request({"ok"});
  request.set_model_name("../admin");
  EXPECT_THAT(to_internal_infer(request),
              FailsWith(Field(&ConversionError::code, RpcCode::not_found)));
  request.set_model_name("vader");
  request.set_model_version("v?x=1");
  EXPECT_THAT(to_internal_infer(request),
              FailsWith(Field(&ConversionError::code, RpcCode::not_found)));
  request.set_model_name("");
  request.set_model_version("");
  EXPECT_THAT(to_internal_infer(request),
              FailsWith(Field(&ConversionError::code, RpcCode::invalid_argument)));
}

TEST(InferConversion, ModelTargets) {
  EXPECT_EQ(ValueOf(model_target("afinn", "", "/ready")), "/v2/models/afinn/ready");
  EXPECT_EQ(ValueOf(model_target("afinn", "v", "")), "/v2/models/afinn/versions/v");
}

constexpr std::string_view kAnswer =
    R"({"model_name":"afinn","model_version":"v","id":"7","outputs":[)"
    R"({"name":"score","datatype":"INT64","shape":[2],"data":[3,-2]},)"
    R"({"name":"comparative","datatype":"FP64","shape":[2],"data":[0.5,-0.25]}]})";

TEST(InferConversion, AnswerAsTypedContents) {
  inference::ModelInferResponse response;
  ASSERT_THAT(from_internal_infer(kAnswer, false, response), Succeeds());
  EXPECT_EQ(response.model_name(), "afinn");
  EXPECT_EQ(response.model_version(), "v");
  EXPECT_EQ(response.id(), "7");
  ASSERT_EQ(response.outputs_size(), 2);
  EXPECT_EQ(response.outputs(0).datatype(), "INT64");
  EXPECT_THAT(response.outputs(0).shape(), ElementsAre(2));
  EXPECT_THAT(response.outputs(0).contents().int64_contents(), ElementsAre(3, -2));
  EXPECT_THAT(response.outputs(1).contents().fp64_contents(), ElementsAre(0.5, -0.25));
  EXPECT_EQ(response.raw_output_contents_size(), 0);
}

TEST(InferConversion, AnswerAsRawContents) {
  inference::ModelInferResponse response;
  ASSERT_THAT(from_internal_infer(kAnswer, true, response), Succeeds());
  ASSERT_EQ(response.raw_output_contents_size(), 2);
  EXPECT_FALSE(response.outputs(0).has_contents());
  const std::string& scores = response.raw_output_contents(0);
  ASSERT_EQ(scores.size(), 16u);
  EXPECT_EQ(scores.substr(0, 8), std::string("\x03\0\0\0\0\0\0\0", 8));
  double second = 0;
  std::memcpy(&second, response.raw_output_contents(1).data() + 8, sizeof second);
  EXPECT_EQ(second, -0.25);
}

TEST(InferConversion, UnexpectedAnswerIsInternal) {
  inference::ModelInferResponse response;
  EXPECT_THAT(from_internal_infer(R"({"outputs":[{"name":"x"}]})", false, response),
              FailsWith(Field(&ConversionError::code, RpcCode::internal)));
  EXPECT_THAT(from_internal_infer(
                  R"({"outputs":[{"name":"x","datatype":"BYTES","shape":[1],"data":["a"]}]})",
                  false, response),
              Fails());
}

}  // namespace
}  // namespace smlapi::grpc_api
