#include "oip/metadata.h"

#include <array>

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

TEST(RenderModelMetadata, DescribesTheTextInputAndFourFp64Outputs) {
  const std::array<std::string_view, 2> versions = {"builtin-1a2b", "lexicon-3c4d"};
  EXPECT_EQ(render_model_metadata("vader", versions, "smlapi_vader"),
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
  const std::string body = render_model_metadata("vader", none, "p");
  EXPECT_EQ(body.find("versions"), std::string::npos);
  EXPECT_EQ(body.rfind(R"({"name":"vader","platform":"p",)", 0), 0U);
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
