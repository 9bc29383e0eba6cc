#include "oip/metadata.h"

#include <array>
#include <vector>

#include <gtest/gtest.h>

namespace smlapi::oip {
namespace {

TEST(RenderServerMetadata, ListsNameVersionAndExtensions) {
  const std::array<std::string_view, 0> none{};
  EXPECT_EQ(render_server_metadata("secure-ml-api", "0.1.0", none),
            R"({"name":"secure-ml-api","version":"0.1.0","extensions":[]})");
  const std::array<std::string_view, 2> two = {"a", "b"};
  EXPECT_EQ(render_server_metadata("s", "1", two),
            R"({"name":"s","version":"1","extensions":["a","b"]})");
}

const std::vector<model::OutputSpec> kFourScores = {{"neg", model::Datatype::fp64, ""},
                                                    {"neu", model::Datatype::fp64, ""},
                                                    {"pos", model::Datatype::fp64, ""},
                                                    {"compound", model::Datatype::fp64, ""}};

TEST(RenderModelMetadata, DescribesTheTextInputAndTheModelsOutputs) {
  const std::array<std::string_view, 2> versions = {"builtin-1a2b", "lexicon-3c4d"};
  EXPECT_EQ(render_model_metadata("vader", versions, "smlapi_vader", kFourScores),
            R"({"name":"vader","versions":["builtin-1a2b","lexicon-3c4d"],)"
            R"("platform":"smlapi_vader",)"
            R"("inputs":[{"name":"text","datatype":"BYTES","shape":[-1]}],)"
            R"("outputs":[{"name":"neg","datatype":"FP64","shape":[-1]},)"
            R"({"name":"neu","datatype":"FP64","shape":[-1]},)"
            R"({"name":"pos","datatype":"FP64","shape":[-1]},)"
            R"({"name":"compound","datatype":"FP64","shape":[-1]}]})");
}

TEST(RenderModelMetadata, OmitsVersionsWhenThereAreNone) {
  const std::array<std::string_view, 0> none{};
  const std::string body = render_model_metadata("vader", none, "p", kFourScores);
  EXPECT_EQ(body.find("versions"), std::string::npos);
  EXPECT_EQ(body.rfind(R"({"name":"vader","platform":"p",)", 0), 0U);
}

TEST(RenderModelMetadata, NamesEachOutputsDatatype) {
  const std::vector<model::OutputSpec> outputs = {{"score", model::Datatype::int64, ""}};
  const std::array<std::string_view, 1> versions = {"1"};
  EXPECT_EQ(render_model_metadata("afinn", versions, "afinn_sentiment", outputs),
            R"({"name":"afinn","versions":["1"],"platform":"afinn_sentiment",)"
            R"("inputs":[{"name":"text","datatype":"BYTES","shape":[-1]}],)"
            R"("outputs":[{"name":"score","datatype":"INT64","shape":[-1]}]})");
}

TEST(RenderModelIndex, ListsEveryModelWithItsVersions) {
  const std::vector<ModelIndexEntry> models = {{"vader", {"a", "b"}, "vader_sentiment"},
                                               {"afinn", {"c"}, "afinn_sentiment"}};
  EXPECT_EQ(render_model_index(models),
            R"({"models":[{"name":"vader","versions":["a","b"],"platform":"vader_sentiment"},)"
            R"({"name":"afinn","versions":["c"],"platform":"afinn_sentiment"}]})");
  EXPECT_EQ(render_model_index({}), R"({"models":[]})");
}

TEST(RenderHealth, RendersProtocolBodies) {
  EXPECT_EQ(render_live(true), R"({"live":true})");
  EXPECT_EQ(render_ready(false), R"({"ready":false})");
  EXPECT_EQ(render_model_ready("vader", true), R"({"name":"vader","ready":true})");
  EXPECT_EQ(render_model_ready("vader", false), R"({"name":"vader","ready":false})");
}

TEST(RenderError, WrapsTheMessageInTheProtocolErrorObject) {
  EXPECT_EQ(render_error("input 'text' must have datatype BYTES"),
            R"({"error":"input 'text' must have datatype BYTES"})");
  EXPECT_EQ(render_error("quote \" here"), R"({"error":"quote \" here"})");
}

}  // namespace
}  // namespace smlapi::oip
