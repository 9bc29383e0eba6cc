#include "oip/infer_response.h"

#include "model/language_check.h"
#include "oip/binary_extension.h"

#include <cstdint>
#include <vector>

#include <gtest/gtest.h>

namespace smlapi::oip {
namespace {

// A model with four FP64 outputs and one with an INT64 and an FP64 output.
const std::vector<model::OutputSpec> kFourScores = {{"neg", model::Datatype::fp64, ""},
                                                    {"neu", model::Datatype::fp64, ""},
                                                    {"pos", model::Datatype::fp64, ""},
                                                    {"compound", model::Datatype::fp64, ""}};
const std::vector<model::OutputSpec> kScoreAndRatio = {{"score", model::Datatype::int64, ""},
                                                       {"comparative", model::Datatype::fp64, ""}};

std::vector<OutputColumn> all_of(const std::vector<model::OutputSpec>& outputs) {
  std::vector<OutputColumn> columns;
  for (std::size_t i = 0; i < outputs.size(); ++i) columns.push_back({&outputs[i], i});
  return columns;
}

TEST(RenderInferResponse, RendersEachOutputAsATensorOfShapeN) {
  const std::vector<double> values = {0.0, 0.192, 0.808, 0.6369, 0.778, 0.222, 0.0, -0.5719};
  const std::string body =
      render_infer_response("vader", "3f2a", "42", all_of(kFourScores), values, 4);
  EXPECT_EQ(body, R"({"model_name":"vader","model_version":"3f2a","id":"42","outputs":[)"
                  R"({"name":"neg","datatype":"FP64","shape":[2],"data":[0.0,0.778]},)"
                  R"({"name":"neu","datatype":"FP64","shape":[2],"data":[0.192,0.222]},)"
                  R"({"name":"pos","datatype":"FP64","shape":[2],"data":[0.808,0.0]},)"
                  R"({"name":"compound","datatype":"FP64","shape":[2],"data":[0.6369,-0.5719]}]})");
}

TEST(RenderInferResponse, HonoursRequestedOutputsAndTheirOrder) {
  const std::vector<double> values = {0.1, 0.2, 0.7, 0.5};
  const std::vector<OutputColumn> outputs = {{&kFourScores[3], 3}, {&kFourScores[0], 0}};
  EXPECT_EQ(render_infer_response("vader", "v1", std::nullopt, outputs, values, 4),
            R"({"model_name":"vader","model_version":"v1","outputs":[)"
            R"({"name":"compound","datatype":"FP64","shape":[1],"data":[0.5]},)"
            R"({"name":"neg","datatype":"FP64","shape":[1],"data":[0.1]}]})");
}

TEST(RenderInferResponse, PutsBinaryOutputsAfterTheJsonWithTheirSizes) {
  const std::vector<double> values = {0.1, 0.2, 0.7, 0.5, 0.0, 1.0, 0.0, -0.25};
  std::vector<OutputColumn> outputs = {{&kFourScores[3], 3, true}, {&kFourScores[0], 0, false}};
  std::string binary;
  EXPECT_EQ(render_infer_response("vader", "v1", std::nullopt, outputs, values, 4, {}, binary),
            R"({"model_name":"vader","model_version":"v1","outputs":[)"
            R"({"name":"compound","datatype":"FP64","shape":[2],)"
            R"("parameters":{"binary_data_size":16}},)"
            R"({"name":"neg","datatype":"FP64","shape":[2],"data":[0.1,0.0]}]})");
  std::string expected;
  append_fp64(expected, 0.5);
  append_fp64(expected, -0.25);
  EXPECT_EQ(binary, expected);
}

TEST(RenderInferResponse, WritesInt64OutputsAsIntegers) {
  const std::vector<double> values = {-3, -0.75, 0, 0.0};
  EXPECT_EQ(render_infer_response("afinn", "v", std::nullopt, all_of(kScoreAndRatio), values, 2),
            R"({"model_name":"afinn","model_version":"v","outputs":[)"
            R"({"name":"score","datatype":"INT64","shape":[2],"data":[-3,0]},)"
            R"({"name":"comparative","datatype":"FP64","shape":[2],"data":[-0.75,0.0]}]})");
}

TEST(RenderInferResponse, OmitsEmptyModelVersionAndEscapesTheId) {
  const std::vector<double> values = {0, 0, 0, 0};
  const std::vector<OutputColumn> outputs = {{&kFourScores[2], 2}};
  EXPECT_EQ(render_infer_response("vader", "", std::string_view("a\"b\n"), outputs, values, 4),
            R"({"model_name":"vader","id":"a\"b\n","outputs":[)"
            R"({"name":"pos","datatype":"FP64","shape":[1],"data":[0.0]}]})");
}

TEST(RenderInferResponse, PrintsShortestRoundTripNumbersAndNullForNonFinite) {
  const std::vector<double> values = {0.1 + 0.2, 1.0 / 3.0, 1e-7, -0.05};
  const std::string body =
      render_infer_response("vader", "v", std::nullopt, all_of(kFourScores), values, 4);
  EXPECT_NE(body.find("[0.30000000000000004]"), std::string::npos) << body;
  EXPECT_NE(body.find("[0.3333333333333333]"), std::string::npos) << body;
  EXPECT_NE(body.find("[1e-07]"), std::string::npos) << body;
  EXPECT_NE(body.find("[-0.05]"), std::string::npos) << body;
  const std::vector<double> nan = {std::numeric_limits<double>::quiet_NaN(), 0, 0, 0};
  const std::vector<OutputColumn> first = {{&kFourScores[0], 0}};
  EXPECT_NE(render_infer_response("vader", "v", std::nullopt, first, nan, 4).find("[null]"),
            std::string::npos);
}

}  // namespace
}  // namespace smlapi::oip

namespace smlapi::oip {
namespace {

TEST(RenderInferResponseReading, NothingExtraWithoutWarningsOrExplanations) {
  const std::vector<double> values = {0.0, 1.0, 0.0, 0.0};
  const std::vector<double> coverage = {1.0};
  const std::vector<std::uint8_t> warnings = {0};
  const std::vector<OutputColumn> outputs = {{&kFourScores[3], 3}};
  EXPECT_EQ(render_infer_response("vader", "v1", std::nullopt, outputs, values, 4,
                                  ReadingOutputs{false, coverage, warnings, {}}),
            R"({"model_name":"vader","model_version":"v1","outputs":[)"
            R"({"name":"compound","datatype":"FP64","shape":[1],"data":[0.0]}]})");
}

TEST(RenderInferResponseReading, WarningsGoToResponseParametersOutputsUnchanged) {
  const std::vector<double> values = {0.5, 0.0};
  const std::vector<double> coverage = {0.5, 0.0};
  const std::vector<std::uint8_t> warnings = {0, model::low_coverage | model::non_latin_script};
  const std::vector<OutputColumn> outputs = {{&kFourScores[3], 0}};
  EXPECT_EQ(render_infer_response("vader", "", std::nullopt, outputs, values, 1,
                                  ReadingOutputs{false, coverage, warnings, {}}),
            R"({"model_name":"vader",)"
            R"("parameters":{"warnings":"low_coverage,non_latin_script"},"outputs":[)"
            R"({"name":"compound","datatype":"FP64","shape":[2],"data":[0.5,0.0]}]})");
}

TEST(RenderInferResponseReading, ExplainAddsCoverageAndWarningsForEveryText) {
  const std::vector<double> values = {0.5, 0.0};
  const std::vector<double> coverage = {0.5, 0.0};
  const std::vector<std::uint8_t> warnings = {0, model::low_coverage};
  const std::vector<std::string_view> explanations = {"{}", "{}"};
  const std::vector<OutputColumn> outputs = {{&kFourScores[3], 0}};
  EXPECT_EQ(render_infer_response("vader", "", std::nullopt, outputs, values, 1,
                                  ReadingOutputs{true, coverage, warnings, explanations}),
            R"({"model_name":"vader","parameters":{"warnings":"low_coverage"},"outputs":[)"
            R"({"name":"compound","datatype":"FP64","shape":[2],"data":[0.5,0.0]},)"
            R"({"name":"coverage","datatype":"FP64","shape":[2],"data":[0.5,0.0]},)"
            R"({"name":"warnings","datatype":"BYTES","shape":[2],"data":["","low_coverage"]},)"
            R"({"name":"explanation","datatype":"BYTES","shape":[2],"data":["{}","{}"]}]})");
}

TEST(RenderInferResponseReading, ExplanationsAreJsonStrings) {
  const std::vector<double> values = {0.5};
  const std::vector<double> coverage = {1.0};
  const std::vector<std::uint8_t> warnings = {0};
  const std::vector<std::string_view> explanations = {R"({"tokens":[],"sum":0.0})"};
  const std::vector<OutputColumn> outputs = {{&kFourScores[3], 0}};
  EXPECT_EQ(render_infer_response("vader", "", std::nullopt, outputs, values, 1,
                                  ReadingOutputs{true, coverage, warnings, explanations}),
            R"({"model_name":"vader","outputs":[)"
            R"({"name":"compound","datatype":"FP64","shape":[1],"data":[0.5]},)"
            R"({"name":"coverage","datatype":"FP64","shape":[1],"data":[1.0]},)"
            R"({"name":"warnings","datatype":"BYTES","shape":[1],"data":[""]},)"
            R"({"name":"explanation","datatype":"BYTES","shape":[1],)"
            R"("data":["{\"tokens\":[],\"sum\":0.0}"]}]})");
}

}  // namespace
}  // namespace smlapi::oip
