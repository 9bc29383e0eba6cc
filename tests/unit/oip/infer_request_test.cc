#include "oip/infer_request.h"

#include <string>

#include <gtest/gtest.h>

#include "oip/binary_extension.h"
#include "result_matchers.h"

namespace smlapi::oip {
namespace {

using ::smlapi::result_testing::FailsWith;
using ::smlapi::result_testing::Succeeds;
using ::testing::AllOf;
using ::testing::Field;
using ::testing::HasSubstr;

using Result = boost::system::result<InferRequest, OipError>;

Result parse(std::string_view body, const InferLimits& limits = {}) {
  return parse_infer_request(body, limits);
}

// Asserts that `result` failed with `kind` and a message containing `fragment`.
void expect_error(const Result& result, OipErrorKind kind, std::string_view fragment) {
  EXPECT_THAT(result,
              FailsWith(AllOf(Field(&OipError::kind, kind),
                              Field(&OipError::message, HasSubstr(std::string(fragment))))));
}

std::string text_input(std::string_view shape, std::string_view data) {
  return R"({"name":"text","datatype":"BYTES","shape":)" + std::string(shape) + R"(,"data":)" +
         std::string(data) + "}";
}

std::string request_with(std::string_view shape, std::string_view data) {
  return R"({"inputs":[)" + text_input(shape, data) + "]}";
}

TEST(ParseInferRequest, AcceptsTheSpecificationExampleShapedForThisModel) {
  // The protocol's example request (id, inputs, outputs), with this model's input and output.
  const auto result = parse(R"({
      "id" : "42",
      "inputs" : [
        { "name" : "text", "shape" : [ 2 ], "datatype" : "BYTES",
          "data" : [ "I love it", "I hate it" ] }
      ],
      "outputs" : [ { "name" : "compound" } ]
    })");
  ASSERT_THAT(result, Succeeds());
  ASSERT_TRUE(result->id.has_value());
  EXPECT_EQ(*result->id, "42");
  EXPECT_EQ(result->texts, (std::vector<std::string>{"I love it", "I hate it"}));
  EXPECT_EQ(result->outputs, std::vector<std::string>{"compound"});
}

TEST(ParseInferRequest, NamesNoOutputWhenNoneRequested) {
  // The caller then returns every output of the model (output_selection.h).
  const auto result = parse(request_with("[1]", R"(["ok"])"));
  ASSERT_THAT(result, Succeeds());
  EXPECT_FALSE(result->id.has_value());
  EXPECT_TRUE(result->outputs.empty());
}

TEST(ParseInferRequest, KeepsRequestedOutputOrder) {
  const auto result = parse(R"({"inputs":[)" + text_input("[1]", R"(["x"])") +
                            R"(],"outputs":[{"name":"pos"},{"name":"neg","parameters":{}}]})");
  ASSERT_THAT(result, Succeeds());
  EXPECT_EQ(result->outputs, (std::vector<std::string>{"pos", "neg"}));
}

TEST(ParseInferRequest, EmptyOutputsListMeansAllOutputs) {
  const auto result =
      parse(R"({"inputs":[)" + text_input("[1]", R"(["x"])") + R"(],"outputs":[]})");
  ASSERT_THAT(result, Succeeds());
  EXPECT_TRUE(result->outputs.empty());
}

TEST(ParseInferRequest, AcceptsAndIgnoresParameters) {
  const auto result = parse(
      R"({"parameters":{"content_type":"str","n":1,"flag":true},"inputs":[{"name":"text",)"
      R"("datatype":"BYTES","shape":[1],"parameters":{"content_type":"str"},"data":["x"]}]})");
  ASSERT_THAT(result, Succeeds());
  EXPECT_EQ(result->texts.size(), 1U);
}

TEST(ParseInferRequest, AcceptsNestedDataMatchingTheShape) {
  const auto result = parse(request_with("[2,2]", R"([["a","b"],["c","d"]])"));
  ASSERT_THAT(result, Succeeds());
  EXPECT_EQ(result->texts, (std::vector<std::string>{"a", "b", "c", "d"}));
}

TEST(ParseInferRequest, AcceptsFlatDataForAMultiDimensionalShape) {
  const auto result = parse(request_with("[2,2]", R"(["a","b","c","d"])"));
  ASSERT_THAT(result, Succeeds());
  EXPECT_EQ(result->texts.size(), 4U);
}

TEST(ParseInferRequest, DecodesJsonEscapesAndKeepsUnicode) {
  const auto result = parse(request_with("[2]", R"(["caf\u00e9 \"ok\"", "😀 good"])"));
  ASSERT_THAT(result, Succeeds());
  EXPECT_EQ(result->texts[0], "caf\xC3\xA9 \"ok\"");
  EXPECT_EQ(result->texts[1], "\xF0\x9F\x98\x80 good");
}

TEST(ParseInferRequest, RejectsShapeDataCountMismatch) {
  expect_error(parse(request_with("[3]", R"(["a","b"])")), OipErrorKind::bad_request,
               "does not match its shape");
  expect_error(parse(request_with("[1]", R"(["a","b"])")), OipErrorKind::bad_request,
               "does not match its shape");
}

TEST(ParseInferRequest, RejectsNestedDataThatDoesNotFollowTheShape) {
  expect_error(parse(request_with("[2,2]", R"([["a","b"],["c"]])")), OipErrorKind::bad_request,
               "does not match its shape");
  expect_error(parse(request_with("[4]", R"([["a","b"],["c","d"]])")), OipErrorKind::bad_request,
               "does not match its shape");
  expect_error(parse(request_with("[2,2]", R"([["a","b"],"c"])")), OipErrorKind::bad_request,
               "does not match its shape");
  expect_error(parse(request_with("[2,1]", R"([["a"],[["b"]]])")), OipErrorKind::bad_request,
               "only JSON strings");
}

TEST(ParseInferRequest, RejectsWrongDatatype) {
  expect_error(parse(R"({"inputs":[{"name":"text","datatype":"FP32","shape":[1],"data":[1.0]}]})"),
               OipErrorKind::bad_request, "datatype BYTES");
}

TEST(ParseInferRequest, RejectsNonStringElements) {
  expect_error(parse(request_with("[2]", R"(["a",1])")), OipErrorKind::bad_request,
               "only JSON strings");
  expect_error(parse(request_with("[1]", "[null]")), OipErrorKind::bad_request,
               "only JSON strings");
  expect_error(parse(request_with("[1]", "[true]")), OipErrorKind::bad_request,
               "only JSON strings");
}

TEST(ParseInferRequest, RejectsEmptyBatch) {
  expect_error(parse(request_with("[0]", "[]")), OipErrorKind::bad_request, "at least one text");
  expect_error(parse(request_with("[2,0]", "[]")), OipErrorKind::bad_request, "at least one text");
}

TEST(ParseInferRequest, RejectsEmptyTexts) {
  expect_error(parse(request_with("[2]", R"(["a",""])")), OipErrorKind::bad_request,
               "at least 1 character");
}

TEST(ParseInferRequest, RejectsOversizeBatchWith413) {
  InferLimits limits;
  limits.max_texts = 2;
  expect_error(parse(request_with("[3]", R"(["a","b","c"])"), limits),
               OipErrorKind::payload_too_large, "at most 2");
  // The shape alone gives the count away, even when it overflows 64 bits.
  expect_error(parse(request_with("[4294967296,4294967296]", R"(["a"])")),
               OipErrorKind::payload_too_large, "too many texts");
}

TEST(ParseInferRequest, AcceptsExactlyTheLimits) {
  InferLimits limits;
  limits.max_texts = 2;
  limits.max_text_chars = 3;
  limits.max_total_bytes = 5;
  // "é" is 2 bytes but one character: 3 characters, 4 bytes; then 1 byte: 5 bytes in total.
  const auto result = parse(request_with("[2]", R"(["ééé"  ,"a"])"), limits);
  EXPECT_FALSE(result.has_value());  // 6 + 1 bytes > 5
  const auto fits = parse(request_with("[2]", R"(["éé","a"])"), limits);
  ASSERT_THAT(fits, Succeeds());
}

TEST(ParseInferRequest, CountsCharactersNotBytes) {
  InferLimits limits;
  limits.max_text_chars = 2;
  ASSERT_TRUE(parse(request_with("[1]", R"(["éé"])"), limits).has_value());
  expect_error(parse(request_with("[1]", R"(["abc"])"), limits), OipErrorKind::payload_too_large,
               "longer than 2 characters");
}

TEST(ParseInferRequest, RejectsTotalBytesOverTheLimit) {
  InferLimits limits;
  limits.max_total_bytes = 4;
  expect_error(parse(request_with("[2]", R"(["abc","de"])"), limits),
               OipErrorKind::payload_too_large, "4 bytes");
}

TEST(ParseInferRequest, DefaultLimitsMatchPredictBatch) {
  const InferLimits limits;
  EXPECT_EQ(limits.max_texts, 256U);
  EXPECT_EQ(limits.max_total_bytes, 65536U);
  EXPECT_EQ(limits.max_text_chars, 10000U);
  std::string data = "[";
  for (int i = 0; i < 257; ++i) data += i == 0 ? R"("x")" : R"(,"x")";
  data += "]";
  expect_error(parse(request_with("[257]", data)), OipErrorKind::payload_too_large, "at most 256");
}

TEST(ParseInferRequest, RejectsMissingInputs) {
  expect_error(parse(R"({"id":"1"})"), OipErrorKind::bad_request, "inputs is required");
  expect_error(parse(R"({"inputs":{}})"), OipErrorKind::bad_request, "must be an array");
  expect_error(parse(R"({"inputs":[]})"), OipErrorKind::bad_request, "exactly one input");
}

TEST(ParseInferRequest, RejectsMoreThanOneInput) {
  const auto input = text_input("[1]", R"(["a"])");
  expect_error(parse(R"({"inputs":[)" + input + "," + input + "]}"), OipErrorKind::bad_request,
               "exactly one input");
}

TEST(ParseInferRequest, RejectsTheSpecificationExampleInputsForAnotherModel) {
  // The protocol's own example request: UINT32 and BOOL inputs that VADER does not have.
  expect_error(parse(R"({"id":"42","inputs":[
      {"name":"input0","shape":[2,2],"datatype":"UINT32","data":[1,2,3,4]}],
      "outputs":[{"name":"output0"}]})"),
               OipErrorKind::bad_request, "named 'text'");
}

TEST(ParseInferRequest, RejectsMissingInputFields) {
  expect_error(parse(R"({"inputs":[{"datatype":"BYTES","shape":[1],"data":["a"]}]})"),
               OipErrorKind::bad_request, "name is required");
  expect_error(parse(R"({"inputs":[{"name":"text","shape":[1],"data":["a"]}]})"),
               OipErrorKind::bad_request, "datatype is required");
  expect_error(parse(R"({"inputs":[{"name":"text","datatype":"BYTES","data":["a"]}]})"),
               OipErrorKind::bad_request, "shape is required");
  expect_error(parse(R"({"inputs":[{"name":"text","datatype":"BYTES","shape":[1]}]})"),
               OipErrorKind::bad_request, "data is required");
}

TEST(ParseInferRequest, RejectsInvalidShapes) {
  expect_error(parse(request_with("[-1]", R"(["a"])")), OipErrorKind::bad_request,
               "non-negative integers");
  expect_error(parse(request_with("[1.0]", R"(["a"])")), OipErrorKind::bad_request,
               "non-negative integers");
  expect_error(parse(request_with(R"(["1"])", R"(["a"])")), OipErrorKind::bad_request,
               "non-negative integers");
  expect_error(parse(request_with("2", R"(["a","b"])")), OipErrorKind::bad_request,
               "array of integers");
  expect_error(parse(request_with("[1,1,1,1,1,1,1,1,1]", R"(["a"])")), OipErrorKind::bad_request,
               "more than 8 dimensions");
}

TEST(ParseInferRequest, EmptyShapeIsAScalarOfOneText) {
  const auto result = parse(request_with("[]", R"(["only"])"));
  ASSERT_THAT(result, Succeeds());
  EXPECT_EQ(result->texts, std::vector<std::string>{"only"});
}

TEST(ParseInferRequest, KeepsOutputNamesForTheModelToCheck) {
  // Names are the model's business: output_selection_test.cc checks unknown ones.
  const auto result = parse(R"({"inputs":[)" + text_input("[1]", R"(["x"])") +
                            R"(],"outputs":[{"name":"output0"}]})");
  ASSERT_THAT(result, Succeeds());
  EXPECT_EQ(result->outputs, std::vector<std::string>{"output0"});
}

TEST(ParseInferRequest, RejectsMoreOutputsThanAnyModelHas) {
  std::string outputs = R"({"name":"o0"})";
  for (int i = 1; i <= 16; ++i) outputs += R"(,{"name":"o)" + std::to_string(i) + R"("})";
  expect_error(
      parse(R"({"inputs":[)" + text_input("[1]", R"(["x"])") + R"(],"outputs":[)" + outputs + "]}"),
      OipErrorKind::bad_request, "too many outputs");
}

TEST(ParseInferRequest, RejectsMalformedOutputs) {
  const std::string prefix = R"({"inputs":[)" + text_input("[1]", R"(["x"])") + "],";
  expect_error(parse(prefix + R"("outputs":{"name":"neg"}})"), OipErrorKind::bad_request,
               "outputs must be an array");
  expect_error(parse(prefix + R"("outputs":["neg"]})"), OipErrorKind::bad_request,
               "must be a JSON object");
  expect_error(parse(prefix + R"("outputs":[{}]})"), OipErrorKind::bad_request, "name is required");
  expect_error(parse(prefix + R"("outputs":[{"name":"neg"},{"name":"neg"}]})"),
               OipErrorKind::bad_request, "more than once");
}

TEST(ParseInferRequest, RejectsDuplicateKeysAtAnyLevel) {
  expect_error(parse(R"({"id":"1","id":"2","inputs":[)" + text_input("[1]", R"(["x"])") + "]}"),
               OipErrorKind::bad_request, "duplicate key");
  expect_error(parse(R"({"inputs":[{"name":"text","name":"text","datatype":"BYTES",)"
                     R"("shape":[1],"data":["x"]}]})"),
               OipErrorKind::bad_request, "duplicate key");
  expect_error(
      parse(R"({"parameters":{"a":1,"a":2},"inputs":[)" + text_input("[1]", R"(["x"])") + "]}"),
      OipErrorKind::bad_request, "duplicate key");
}

TEST(ParseInferRequest, RejectsInvalidUtf8) {
  expect_error(parse(request_with("[1]", "[\"bad \xC3\x28 byte\"]")), OipErrorKind::bad_request,
               "not valid UTF-8");
  expect_error(parse(request_with("[1]", "[\"overlong \xC0\xAF\"]")), OipErrorKind::bad_request,
               "not valid UTF-8");
  expect_error(parse(request_with("[1]", "[\"surrogate \xED\xA0\x80\"]")),
               OipErrorKind::bad_request, "not valid UTF-8");
}

TEST(ParseInferRequest, RejectsLoneSurrogateEscape) {
  EXPECT_FALSE(parse(request_with("[1]", R"(["\ud800"])")).has_value());
}

TEST(ParseInferRequest, RejectsMalformedJson) {
  expect_error(parse(""), OipErrorKind::bad_request, "empty");
  expect_error(parse("{"), OipErrorKind::bad_request, "not valid JSON");
  expect_error(parse(R"({"inputs":[]} trailing)"), OipErrorKind::bad_request, "not valid JSON");
  expect_error(parse(R"({"inputs":[NaN]})"), OipErrorKind::bad_request, "not valid JSON");
  expect_error(parse("[]"), OipErrorKind::bad_request, "must be a JSON object");
  expect_error(parse(R"("text")"), OipErrorKind::bad_request, "must be a JSON object");
}

TEST(ParseInferRequest, RejectsDeepNesting) {
  const std::string deep = std::string(64, '[') + std::string(64, ']');
  expect_error(parse(R"({"parameters":{"x":)" + deep + "}}"), OipErrorKind::bad_request, "deeper");
}

TEST(ParseInferRequest, RejectsUnknownFields) {
  expect_error(parse(R"({"input":[)" + text_input("[1]", R"(["x"])") + "]}"),
               OipErrorKind::bad_request, "unknown field in the request");
  expect_error(parse(R"({"inputs":[{"name":"text","datatype":"BYTES","shape":[1],)"
                     R"("data":["x"],"extra":1}]})"),
               OipErrorKind::bad_request, "unknown field in an input");
  expect_error(parse(R"({"inputs":[)" + text_input("[1]", R"(["x"])") +
                     R"(],"outputs":[{"name":"neg","shape":[1]}]})"),
               OipErrorKind::bad_request, "unknown field in an output");
}

TEST(ParseInferRequest, RejectsWrongFieldTypes) {
  expect_error(parse(R"({"id":42,"inputs":[)" + text_input("[1]", R"(["x"])") + "]}"),
               OipErrorKind::bad_request, "id must be a string");
  expect_error(parse(R"({"parameters":[],"inputs":[)" + text_input("[1]", R"(["x"])") + "]}"),
               OipErrorKind::bad_request, "parameters must be a JSON object");
  expect_error(parse(request_with("[1]", R"("x")")), OipErrorKind::bad_request,
               "data must be an array");
}

std::string binary_input(std::string_view shape, std::size_t size) {
  return R"({"name":"text","datatype":"BYTES","shape":)" + std::string(shape) +
         R"(,"parameters":{"binary_data_size":)" + std::to_string(size) + "}}";
}

std::string elements(std::initializer_list<std::string_view> texts) {
  std::string out;
  for (std::string_view text : texts) append_bytes_element(out, text);
  return out;
}

TEST(ParseInferRequest, ReadsTextsFromBinaryData) {
  const std::string binary = elements({"I love it", "caf\xc3\xa9"});
  auto result = parse_infer_request(R"({"inputs":[)" + binary_input("[2]", binary.size()) + "]}",
                                    InferLimits{}, binary);
  ASSERT_THAT(result, Succeeds());
  EXPECT_EQ(result->texts, (std::vector<std::string>{"I love it", "caf\xc3\xa9"}));
}

TEST(ParseInferRequest, ReadsBinaryOutputFlags) {
  auto result = parse(R"({"inputs":[)" + text_input("[1]", R"(["x"])") +
                      R"(],"outputs":[{"name":"neg","parameters":{"binary_data":true}},)"
                      R"({"name":"pos","parameters":{"binary_data":false}}]})");
  ASSERT_THAT(result, Succeeds());
  EXPECT_TRUE(result->output_binary("neg"));
  EXPECT_FALSE(result->output_binary("pos"));
  auto all = parse(R"({"parameters":{"binary_data_output":true},"inputs":[)" +
                   text_input("[1]", R"(["x"])") + "]}");
  ASSERT_THAT(all, Succeeds());
  EXPECT_TRUE(all->output_binary("compound"));
}

TEST(ParseInferRequest, RefusesInconsistentBinaryData) {
  const std::string binary = elements({"ab"});
  const std::string input = binary_input("[1]", binary.size());
  // Size disagreeing with the bytes after the header.
  expect_error(parse_infer_request(R"({"inputs":[)" + binary_input("[1]", 99) + "]}", {}, binary),
               OipErrorKind::bad_request, "does not match the binary data");
  // Elements disagreeing with the shape.
  expect_error(
      parse_infer_request(R"({"inputs":[)" + binary_input("[2]", binary.size()) + "]}", {}, binary),
      OipErrorKind::bad_request, "ends inside element 1");
  // Binary data that no input claims; an input claiming binary data with data too.
  expect_error(parse_infer_request(request_with("[1]", R"(["x"])"), {}, binary),
               OipErrorKind::bad_request, "no binary_data_size");
  expect_error(parse_infer_request(R"({"inputs":[{"name":"text","datatype":"BYTES","shape":[1],)"
                                   R"("parameters":{"binary_data_size":6},"data":["x"]}]})",
                                   {}, binary),
               OipErrorKind::bad_request, "both data and binary_data_size");
  // Texts from binary data obey the text rules: UTF-8, not empty, limits.
  const std::string invalid = elements({"\xff"});
  expect_error(parse_infer_request(R"({"inputs":[)" + binary_input("[1]", invalid.size()) + "]}",
                                   {}, invalid),
               OipErrorKind::bad_request, "not valid UTF-8");
  const std::string empty = elements({""});
  expect_error(
      parse_infer_request(R"({"inputs":[)" + binary_input("[1]", empty.size()) + "]}", {}, empty),
      OipErrorKind::bad_request, "empty string");
  InferLimits limits;
  limits.max_texts = 1;
  const std::string two = elements({"a", "b"});
  expect_error(
      parse_infer_request(R"({"inputs":[)" + binary_input("[2]", two.size()) + "]}", limits, two),
      OipErrorKind::payload_too_large, "too many texts");
  // Flags of the wrong type.
  expect_error(parse(R"({"parameters":{"binary_data_output":"yes"},"inputs":[)" +
                     text_input("[1]", R"(["x"])") + "]}"),
               OipErrorKind::bad_request, "binary_data_output must be true or false");
  expect_error(parse(R"({"inputs":[{"name":"text","datatype":"BYTES","shape":[1],)"
                     R"("parameters":{"binary_data_size":-1}}]})"),
               OipErrorKind::bad_request, "binary_data_size must be a non-negative integer");
}

TEST(ParseInferRequest, ReadsANullIdAsNoId) {
  auto result = parse(R"({"id":null,"inputs":[)" + text_input("[1]", R"(["x"])") + "]}");
  ASSERT_THAT(result, Succeeds());
  EXPECT_FALSE(result->id.has_value());
}

TEST(InferRequestParser, IsReusableAcrossRequestsOfDifferentSizes) {
  InferRequestParser parser;
  std::string big = "[";
  for (int i = 0; i < 200; ++i) big += (i == 0 ? "\"" : ",\"") + std::string(100, 'a') + "\"";
  big += "]";
  ASSERT_TRUE(parser.parse(request_with("[1]", R"(["small"])")).has_value());
  const auto large = parser.parse(request_with("[200]", big));
  ASSERT_THAT(large, Succeeds());
  EXPECT_EQ(large->texts.size(), 200U);
  expect_error(parser.parse("{"), OipErrorKind::bad_request, "not valid JSON");
  const auto again = parser.parse(request_with("[1]", R"(["again"])"));
  ASSERT_TRUE(again.has_value());
  EXPECT_EQ(again->texts[0], "again");
}

}  // namespace
}  // namespace smlapi::oip

namespace smlapi::oip {
namespace {

TEST(InferRequestExplain, AbsentOrFalseIsFalseTrueIsTrue) {
  const std::string input = text_input("[1]", R"(["good"])");
  auto absent = parse(R"({"inputs":[)" + input + "]}");
  ASSERT_THAT(absent, Succeeds());
  EXPECT_FALSE(absent->explain);
  auto other = parse(R"({"parameters":{"priority":3},"inputs":[)" + input + "]}");
  ASSERT_THAT(other, Succeeds());
  EXPECT_FALSE(other->explain);
  auto off = parse(R"({"parameters":{"explain":false},"inputs":[)" + input + "]}");
  ASSERT_THAT(off, Succeeds());
  EXPECT_FALSE(off->explain);
  auto on = parse(R"({"parameters":{"explain":true},"inputs":[)" + input + "]}");
  ASSERT_THAT(on, Succeeds());
  EXPECT_TRUE(on->explain);
}

TEST(InferRequestExplain, NonBooleanIsRefused) {
  const std::string input = text_input("[1]", R"(["good"])");
  for (std::string_view value : {R"("true")", "1", "null", "[true]", "{}"}) {
    expect_error(parse(R"({"parameters":{"explain":)" + std::string(value) + R"(},"inputs":[)" +
                       input + "]}"),
                 OipErrorKind::bad_request, "request parameter 'explain' must be true or false");
  }
}

}  // namespace
}  // namespace smlapi::oip
