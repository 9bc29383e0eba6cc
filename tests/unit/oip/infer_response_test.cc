#include "oip/infer_response.h"

#include <vector>

#include <gtest/gtest.h>

namespace smlapi::oip {
namespace {

TEST(RenderInferResponse, RendersEachOutputAsAnFp64TensorOfShapeN) {
  const std::vector<Scores> scores = {{0.0, 0.192, 0.808, 0.6369}, {0.778, 0.222, 0.0, -0.5719}};
  const std::string body = render_infer_response("vader", "3f2a", "42", kAllOutputs, scores);
  EXPECT_EQ(body, R"({"model_name":"vader","model_version":"3f2a","id":"42","outputs":[)"
                  R"({"name":"neg","datatype":"FP64","shape":[2],"data":[0,0.778]},)"
                  R"({"name":"neu","datatype":"FP64","shape":[2],"data":[0.192,0.222]},)"
                  R"({"name":"pos","datatype":"FP64","shape":[2],"data":[0.808,0]},)"
                  R"({"name":"compound","datatype":"FP64","shape":[2],"data":[0.6369,-0.5719]}]})");
}

TEST(RenderInferResponse, HonoursRequestedOutputsAndTheirOrder) {
  const std::vector<Scores> scores = {{0.1, 0.2, 0.7, 0.5}};
  const std::vector<OutputName> outputs = {OutputName::compound, OutputName::neg};
  EXPECT_EQ(render_infer_response("vader", "v1", std::nullopt, outputs, scores),
            R"({"model_name":"vader","model_version":"v1","outputs":[)"
            R"({"name":"compound","datatype":"FP64","shape":[1],"data":[0.5]},)"
            R"({"name":"neg","datatype":"FP64","shape":[1],"data":[0.1]}]})");
}

TEST(RenderInferResponse, OmitsEmptyModelVersionAndEscapesTheId) {
  const std::vector<Scores> scores = {{}};
  const std::vector<OutputName> outputs = {OutputName::pos};
  EXPECT_EQ(render_infer_response("vader", "", std::string_view("a\"b\n"), outputs, scores),
            R"({"model_name":"vader","id":"a\"b\n","outputs":[)"
            R"({"name":"pos","datatype":"FP64","shape":[1],"data":[0]}]})");
}

TEST(RenderInferResponse, PrintsShortestRoundTripNumbers) {
  const std::vector<Scores> scores = {{0.1 + 0.2, 1.0 / 3.0, 1e-7, -0.05}};
  const std::string body = render_infer_response("vader", "v", std::nullopt, kAllOutputs, scores);
  EXPECT_NE(body.find("[0.30000000000000004]"), std::string::npos) << body;
  EXPECT_NE(body.find("[0.3333333333333333]"), std::string::npos) << body;
  EXPECT_NE(body.find("[1e-07]"), std::string::npos) << body;
  EXPECT_NE(body.find("[-0.05]"), std::string::npos) << body;
}

TEST(ScoreOf, SelectsTheNamedScore) {
  const Scores scores{1, 2, 3, 4};
  EXPECT_EQ(score_of(scores, OutputName::neg), 1);
  EXPECT_EQ(score_of(scores, OutputName::neu), 2);
  EXPECT_EQ(score_of(scores, OutputName::pos), 3);
  EXPECT_EQ(score_of(scores, OutputName::compound), 4);
}

TEST(OutputNames, RoundTripThroughTheirNames) {
  for (OutputName name : kAllOutputs) EXPECT_EQ(parse_output_name(to_string(name)), name);
  EXPECT_FALSE(parse_output_name("NEG").has_value());
  EXPECT_FALSE(parse_output_name("").has_value());
}

}  // namespace
}  // namespace smlapi::oip
