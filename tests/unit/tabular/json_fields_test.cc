// Field extraction from JSON lines: paths, ids and kept values of any type passed through,
// and each kind of bad line.
#include "tabular/json_fields.h"

#include "result_matchers.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <deque>
#include <string>
#include <vector>

namespace smlapi::tabular {
namespace {

using result_testing::FailsWith;
using result_testing::Succeeds;
using result_testing::ValueOf;

JsonFields make(std::vector<std::string> specs) {
  std::vector<FieldPath> paths;
  for (const auto& spec : specs) paths.push_back(ValueOf(parse_field_path(spec)));
  return ValueOf(JsonFields::create(std::move(paths)));
}

// A line in a buffer with simdjson's padding after it, as the score command keeps them.
class Line {
 public:
  explicit Line(std::string_view text) : buffer_(text) {
    buffer_.append(simdjson::SIMDJSON_PADDING, ' ');
  }
  std::string_view view() const {
    return {buffer_.data(), buffer_.size() - simdjson::SIMDJSON_PADDING};
  }

 private:
  std::string buffer_;
};

struct Extracted {
  boost::system::result<void, RowError> result;
  std::vector<FieldValue> values;
};

Extracted extract(const JsonFields& fields, std::string_view text) {
  static simdjson::ondemand::parser parser;
  Line line(text);
  std::vector<FieldValue> values(fields.size());
  auto result = fields.extract(parser, line.view(), values);
  // Copy what the views point at: the parser and the line go away.
  static std::deque<std::string> keep;  // stable addresses
  for (auto& value : values) {
    keep.emplace_back(value.bytes);
    value.bytes = keep.back();
  }
  return {result, values};
}

MATCHER_P2(Value, kind, bytes, "") { return arg.kind == kind && arg.bytes == bytes; }

TEST(FieldPath, DotsSeparateNames) {
  EXPECT_EQ(ValueOf(parse_field_path("data.body")).keys,
            (std::vector<std::string>{"data", "body"}));
  EXPECT_EQ(ValueOf(parse_field_path("text")).keys, (std::vector<std::string>{"text"}));
  EXPECT_THAT(parse_field_path(""), result_testing::Fails());
  EXPECT_THAT(parse_field_path("a..b"), result_testing::Fails());
  EXPECT_THAT(parse_field_path(".a"), result_testing::Fails());
  EXPECT_THAT(parse_field_path("a."), result_testing::Fails());
}

TEST(JsonFields, TextAtTopLevelWithEscapes) {
  auto fields = make({"text"});
  auto got = extract(fields, R"({"text":"line one\nline \"two\" \u00e9"})");
  ASSERT_THAT(got.result, Succeeds());
  EXPECT_THAT(got.values[0], Value(FieldValue::Kind::text, "line one\nline \"two\" \xC3\xA9"));
}

TEST(JsonFields, NestedPathsAndPassedThroughValuesOfAnyType) {
  auto fields = make({"data.body", "id", "data.meta.lang", "score", "tags", "obj", "absent"});
  auto got =
      extract(fields, R"( {"id": 12345678901234567890123, "data": {"meta": {"lang": "en"},)"
                      R"( "body": "great"}, "score": -1.5e3 , "tags": [1, "a", {"b": null}],)"
                      R"( "obj": {"k": true}, "other": [false]} )");
  ASSERT_THAT(got.result, Succeeds());
  EXPECT_THAT(got.values[0], Value(FieldValue::Kind::text, "great"));
  EXPECT_THAT(got.values[1], Value(FieldValue::Kind::json, "12345678901234567890123"));
  EXPECT_THAT(got.values[2], Value(FieldValue::Kind::text, "en"));
  EXPECT_THAT(got.values[3], Value(FieldValue::Kind::json, "-1.5e3"));
  EXPECT_THAT(got.values[4], Value(FieldValue::Kind::json, R"([1, "a", {"b": null}])"));
  EXPECT_THAT(got.values[5], Value(FieldValue::Kind::json, R"({"k": true})"));
  EXPECT_THAT(got.values[6], Value(FieldValue::Kind::missing, ""));
}

TEST(JsonFields, SamePathTwiceFillsBoth) {
  auto fields = make({"text", "text"});
  auto got = extract(fields, R"({"text":"hi"})");
  ASSERT_THAT(got.result, Succeeds());
  EXPECT_THAT(got.values[1], Value(FieldValue::Kind::text, "hi"));
}

TEST(JsonFields, PathInsideAnotherIsRefused) {
  std::vector<FieldPath> paths{ValueOf(parse_field_path("data.body")),
                               ValueOf(parse_field_path("data"))};
  EXPECT_THAT(JsonFields::create(std::move(paths)), result_testing::Fails());
}

TEST(JsonFields, MissingTextKeepsTheId) {
  auto fields = make({"text", "id"});
  auto got = extract(fields, R"({"id":"a-1","body":"x"})");
  EXPECT_THAT(got.result, FailsWith(RowError::missing_field));
  EXPECT_THAT(got.values[1], Value(FieldValue::Kind::text, "a-1"));
  // A path through something that is not an object is missing too.
  EXPECT_THAT(extract(make({"data.body"}), R"({"data":"flat"})").result,
              FailsWith(RowError::missing_field));
}

TEST(JsonFields, NonStringTextIsRefused) {
  auto fields = make({"text", "id"});
  for (const char* line : {R"({"text":null,"id":3})", R"({"text":12,"id":3})",
                           R"({"text":["a"],"id":3})", R"({"text":{"a":"b"},"id":3})"}) {
    auto got = extract(fields, line);
    EXPECT_THAT(got.result, FailsWith(RowError::not_a_string)) << line;
    EXPECT_THAT(got.values[1], Value(FieldValue::Kind::json, "3")) << line;
  }
}

TEST(JsonFields, FirstOfDuplicateMembersCounts) {
  auto got = extract(make({"text"}), R"({"text":"first","text":"second"})");
  ASSERT_THAT(got.result, Succeeds());
  EXPECT_THAT(got.values[0], Value(FieldValue::Kind::text, "first"));
}

TEST(JsonFields, BadLinesAreTold) {
  auto fields = make({"text"});
  EXPECT_THAT(extract(fields, R"({"text":"a")").result, FailsWith(RowError::invalid_json));
  EXPECT_THAT(extract(fields, R"({"text":"a"} {"text":"b"})").result,
              FailsWith(RowError::invalid_json));
  EXPECT_THAT(extract(fields, R"({"text":"a","x":tru})").result, FailsWith(RowError::invalid_json));
  EXPECT_THAT(extract(fields, R"({"text":"a","x":[1,}]})").result,
              FailsWith(RowError::invalid_json));
  EXPECT_THAT(extract(fields, "text,1").result, FailsWith(RowError::invalid_json));
  EXPECT_THAT(extract(fields, "").result, FailsWith(RowError::invalid_json));
  EXPECT_THAT(extract(fields, R"(["text"])").result, FailsWith(RowError::not_an_object));
  EXPECT_THAT(extract(fields, R"("text")").result, FailsWith(RowError::not_an_object));
  EXPECT_THAT(extract(fields, "{\"text\":\"\xff\"}").result, FailsWith(RowError::invalid_utf8));
  std::string deep = "{\"text\":\"a\",\"x\":" + std::string(300, '[') + std::string(300, ']') + "}";
  EXPECT_THAT(extract(fields, deep).result, FailsWith(RowError::invalid_json));
}

TEST(JsonFields, CarriageReturnOfCrlfLinesIsWhitespace) {
  auto got = extract(make({"text"}), "{\"text\":\"hi\"}\r");
  ASSERT_THAT(got.result, Succeeds());
  EXPECT_THAT(got.values[0], Value(FieldValue::Kind::text, "hi"));
}

}  // namespace
}  // namespace smlapi::tabular
