// parse_predict_body / parse_batch_body: strict validation of the /predict and
// /predict/batch bodies, one test per 422 type of the reference design.
#include "api/predict_request.h"

#include "result_matchers.h"
#include "validation_support.h"

#include <gtest/gtest.h>

#include <random>
#include <string>
#include <string_view>
#include <vector>

namespace smlapi::api {
namespace {

using ::smlapi::result_testing::ErrorOf;
using ::smlapi::result_testing::FailsWith;
using ::testing::ElementsAre;
using ::testing::Field;

using testing::loc_text;

ValidationIssue only_issue(const ValidationIssues& issues, std::string_view body) {
  if (issues.size() != 1) {
    ADD_FAILURE() << issues.size() << " issues for: " << body;
    return issues.empty() ? ValidationIssue{} : issues.front();
  }
  return issues.front();
}

class PredictBody : public ::testing::Test {
 protected:
  boost::system::result<std::string_view, ValidationIssues> predict(std::string_view body) {
    padded_ = simdjson::padded_string(body);
    return parse_predict_body(parser_, padded_, limits_);
  }

  // Every issue a refused body produces (a failure when it was accepted).
  ValidationIssues refusals(std::string_view body) {
    auto result = predict(body);
    if (result.has_value()) {
      ADD_FAILURE() << "accepted: " << body;
      return {};
    }
    return ErrorOf(result);
  }

  // The one issue a refused body produces (a failure when it has none or several).
  ValidationIssue refusal(std::string_view body) { return only_issue(refusals(body), body); }

  std::string accepted(std::string_view body) {
    auto result = predict(body);
    if (!result.has_value()) {
      ADD_FAILURE() << "refused (" << ErrorOf(result).front().type << "): " << body;
      return {};
    }
    return std::string(*result);
  }

  simdjson::ondemand::parser parser_;
  simdjson::padded_string padded_;
  InputLimits limits_;
};

TEST_F(PredictBody, AcceptsTheDocumentedShape) {
  EXPECT_EQ(accepted(R"({"text": "I love this"})"), "I love this");
  EXPECT_EQ(accepted(" \n{ \"text\" : \"x\" }\n "), "x");
}

TEST_F(PredictBody, UnescapesTheText) {
  EXPECT_EQ(accepted(R"({"text": "say \"hi\"\n\u00e9"})"), "say \"hi\"\n\xc3\xa9");
}

TEST_F(PredictBody, EmptyBodyIsMissing) {
  ValidationIssue issue = refusal("");
  EXPECT_EQ(issue.type, "missing");
  EXPECT_EQ(loc_text(issue), "body");
}

TEST_F(PredictBody, MissingTextField) {
  ValidationIssue issue = refusal("{}");
  EXPECT_EQ(issue.type, "missing");
  EXPECT_EQ(loc_text(issue), "body.text");
  EXPECT_EQ(issue.msg, "Field required");
}

class InvalidJson : public PredictBody, public ::testing::WithParamInterface<std::string> {};

TEST_P(InvalidJson, IsJsonInvalid) {
  ValidationIssue issue = refusal(GetParam());
  EXPECT_EQ(issue.type, "json_invalid") << GetParam();
  EXPECT_EQ(loc_text(issue), "body");
}

INSTANTIATE_TEST_SUITE_P(Bodies, InvalidJson,
                         ::testing::Values("{", "{\"text\":", "{\"text\": \"a\"",
                                           "{\"text\": \"a\",}", "{\"text\" \"a\"}",
                                           "{'text': 'a'}", "{\"text\": \"unterminated}",
                                           // trailing content after the object
                                           "{\"text\": \"a\"} x",
                                           "{\"text\": \"a\"}{\"text\": \"b\"}",
                                           "{\"text\": \"a\"}]", "{\"text\": \"a\"},",
                                           // bad escapes inside the string
                                           "{\"text\": \"\\q\"}", "{\"text\": \"\\u12\"}",
                                           // raw control character inside a string
                                           std::string("{\"text\": \"a\x01\"}")));

class NotAnObject : public PredictBody, public ::testing::WithParamInterface<const char*> {};

TEST_P(NotAnObject, IsModelAttributesType) {
  ValidationIssue issue = refusal(GetParam());
  EXPECT_EQ(issue.type, "model_attributes_type") << GetParam();
  EXPECT_EQ(loc_text(issue), "body");
}

INSTANTIATE_TEST_SUITE_P(Arrays, NotAnObject, ::testing::Values("[]", "[{\"text\": \"a\"}]"));

// BUG (src/api/predict_request.cc prefer_json_error, since 0bcf778): a scalar
// root document is well-formed JSON, so the answer should stay
// model_attributes_type as in the reference design; observed: json_invalid,
// because ondemand's document::get_value() refuses scalar documents
// (SCALAR_DOCUMENT_AS_VALUE) and that error is reported as a JSON error.
INSTANTIATE_TEST_SUITE_P(Scalars, NotAnObject,
                         ::testing::Values("\"text\"", "42", "null", "true", " 1.5 "));

class WrongTextType : public PredictBody, public ::testing::WithParamInterface<const char*> {};

TEST_P(WrongTextType, IsStringType) {
  ValidationIssue issue = refusal(GetParam());
  EXPECT_EQ(issue.type, "string_type") << GetParam();
  EXPECT_EQ(loc_text(issue), "body.text");
  EXPECT_EQ(issue.msg, "Input should be a valid string");
}

INSTANTIATE_TEST_SUITE_P(Bodies, WrongTextType,
                         ::testing::Values(R"({"text": 1})", R"({"text": 1.5})",
                                           R"({"text": null})", R"({"text": true})",
                                           R"({"text": ["a"]})", R"({"text": {"a": "b"}})"));

TEST_F(PredictBody, NanIsRefused) {
  auto result = predict(R"({"text": NaN})");
  EXPECT_THAT(result, FailsWith(ElementsAre(Field(&ValidationIssue::type, "json_invalid"))));
}

TEST_F(PredictBody, EveryIssueIsListed) {
  ValidationIssues issues = refusals(R"({"model": 7, "text": "", "explain": "yes", "user": 1})");
  ASSERT_EQ(issues.size(), 4u);
  EXPECT_EQ(loc_text(issues[0]), "body.model");
  EXPECT_EQ(issues[1].type, "string_too_short");
  EXPECT_EQ(loc_text(issues[2]), "body.explain");
  EXPECT_EQ(issues[3].type, "extra_forbidden");
  ValidationIssues missing = refusals(R"({"user": 1})");
  ASSERT_EQ(missing.size(), 2u);
  EXPECT_EQ(missing[0].type, "extra_forbidden");
  EXPECT_EQ(missing[1].type, "missing");
  EXPECT_EQ(loc_text(missing[1]), "body.text");
}

TEST_F(PredictBody, UnknownFieldIsExtraForbidden) {
  ValidationIssue issue = refusal(R"({"text": "a", "user": "root"})");
  EXPECT_EQ(issue.type, "extra_forbidden");
  EXPECT_EQ(loc_text(issue), "body.user");
  EXPECT_EQ(refusal(R"({"user": "root", "text": "a"})").type, "extra_forbidden");
  ValidationIssues wrong_case = refusals(R"({"Text": "a"})");  // and so "text" is missing
  ASSERT_EQ(wrong_case.size(), 2u);
  EXPECT_EQ(wrong_case[0].type, "extra_forbidden");
  EXPECT_EQ(wrong_case[1].type, "missing");
}

TEST_F(PredictBody, DuplicateKeyIsRefused) {
  ValidationIssue issue = refusal(R"({"text": "a", "text": "b"})");
  EXPECT_EQ(issue.type, "duplicate_key");
  EXPECT_EQ(loc_text(issue), "body.text");
}

TEST_F(PredictBody, EscapedDuplicateKeyIsStillADuplicate) {
  EXPECT_EQ(refusal(R"({"text": "a", "t\u0065xt": "b"})").type, "duplicate_key");
}

TEST_F(PredictBody, EmptyTextIsTooShort) {
  ValidationIssue issue = refusal(R"({"text": ""})");
  EXPECT_EQ(issue.type, "string_too_short");
  EXPECT_EQ(loc_text(issue), "body.text");
}

TEST_F(PredictBody, TextLengthLimitCountsCodePoints) {
  limits_.max_text_chars = 4;
  EXPECT_EQ(accepted(R"({"text": "abcd"})"), "abcd");
  // Four code points of 2, 3, 4 and 1 bytes: 10 bytes, still within 4 characters.
  EXPECT_EQ(accepted("{\"text\": \"\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80x\"}"),
            "\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80x");
  // Escapes count as the characters they stand for (a surrogate pair is one).
  EXPECT_EQ(accepted(R"({"text": "\u00e9\ud83d\ude00ab"})"),
            "\xc3\xa9\xf0\x9f\x98\x80"
            "ab");
  ValidationIssue issue = refusal(R"({"text": "abcde"})");
  EXPECT_EQ(issue.type, "string_too_long");
  EXPECT_EQ(loc_text(issue), "body.text");
  EXPECT_NE(issue.msg.find('4'), std::string::npos) << issue.msg;
}

TEST_F(PredictBody, DefaultTextLimitIsTenThousandCharacters) {
  std::string at_limit = "{\"text\": \"" + std::string(10'000, 'a') + "\"}";
  EXPECT_EQ(accepted(at_limit).size(), 10'000u);
  std::string over = "{\"text\": \"" + std::string(10'001, 'a') + "\"}";
  EXPECT_EQ(refusal(over).type, "string_too_long");
}

class InvalidUtf8 : public PredictBody, public ::testing::WithParamInterface<std::string> {};

TEST_P(InvalidUtf8, IsRefused) {
  std::string body = "{\"text\": \"" + GetParam() + "\"}";
  auto result = predict(body);
  EXPECT_THAT(result, FailsWith(ElementsAre(Field(&ValidationIssue::type, "json_invalid"))))
      << "invalid UTF-8";
}

INSTANTIATE_TEST_SUITE_P(Sequences, InvalidUtf8,
                         ::testing::Values(std::string("\xff"), std::string("a\x80"),
                                           std::string("\xc0\xaf"),          // overlong '/'
                                           std::string("\xed\xa0\x80"),      // UTF-16 surrogate
                                           std::string("\xf4\x90\x80\x80"),  // above U+10FFFF
                                           std::string("\xe2\x82"),          // truncated
                                           std::string("\\ud800"),           // lone high surrogate
                                           std::string("\\ud800x"),          // high, no low
                                           std::string("\\udc00")));         // lone low surrogate

TEST_F(PredictBody, InvalidUtf8OutsideTheTextIsRefusedToo) {
  EXPECT_FALSE(predict("{\"text\": \"a\"} \xff").has_value());
  EXPECT_FALSE(predict("{\"te\xffxt\": \"a\"}").has_value());
}

TEST_F(PredictBody, DeepNestingIsJsonTooDeep) {
  std::string deep = "{\"text\": " + std::string(100'000, '[') + std::string(100'000, ']') + "}";
  ValidationIssue issue = refusal(deep);
  EXPECT_EQ(issue.type, "json_too_deep");
  EXPECT_EQ(loc_text(issue), "body");
  std::string deep_extra =
      "{\"x\": " + std::string(100'000, '{') + std::string(100'000, '}') + ", \"text\": \"a\"}";
  EXPECT_FALSE(predict(deep_extra).has_value());
}

TEST_F(PredictBody, NestingWithinTheDepthLimitIsASchemaError) {
  limits_.max_json_depth = 8;
  std::string shallow = "{\"text\": " + std::string(6, '[') + std::string(6, ']') + "}";
  EXPECT_EQ(refusal(shallow).type, "string_type");
  std::string deep = "{\"text\": " + std::string(9, '[') + std::string(9, ']') + "}";
  EXPECT_EQ(refusal(deep).type, "json_too_deep");
}

// As in the reference design, a body that is not JSON is reported as such even
// when a schema rule fails earlier in it.
TEST_F(PredictBody, JsonErrorsWinOverSchemaErrors) {
  EXPECT_EQ(refusal(R"({"text": 1, "x": tru})").type, "json_invalid");
  EXPECT_EQ(refusal(R"({"user": "a", "text": })").type, "json_invalid");
  EXPECT_EQ(refusal(R"({"text": "a", "text": "b"} trailing)").type, "json_invalid");
  EXPECT_EQ(refusal("{\"text\": 1, \"x\": \"\xff\"}").type, "json_invalid");
}

TEST_F(PredictBody, ParserIsReusableAfterARefusal) {
  EXPECT_FALSE(predict("{").has_value());
  EXPECT_EQ(accepted(R"({"text": "ok"})"), "ok");
}

class BatchBody : public ::testing::Test {
 protected:
  boost::system::result<void, ValidationIssues> batch(std::string_view body) {
    padded_ = simdjson::padded_string(body);
    return parse_batch_body(parser_, padded_, limits_, texts_);
  }

  ValidationIssues refusals(std::string_view body) {
    auto result = batch(body);
    if (result.has_value()) {
      ADD_FAILURE() << "accepted: " << body;
      return {};
    }
    return ErrorOf(result);
  }

  ValidationIssue refusal(std::string_view body) { return only_issue(refusals(body), body); }

  std::vector<std::string> texts() const { return {texts_.begin(), texts_.end()}; }

  simdjson::ondemand::parser parser_;
  simdjson::padded_string padded_;
  InputLimits limits_;
  std::vector<std::string_view> texts_;
};

TEST_F(BatchBody, AcceptsTextsInOrder) {
  ASSERT_TRUE(batch(R"({"texts": ["good", "bad", "\u00e9"]})").has_value());
  EXPECT_EQ(texts(), (std::vector<std::string>{"good", "bad", "\xc3\xa9"}));
}

TEST_F(BatchBody, EmptyBodyIsMissing) {
  ValidationIssue issue = refusal("");
  EXPECT_EQ(issue.type, "missing");
  EXPECT_EQ(loc_text(issue), "body");
}

TEST_F(BatchBody, MissingTextsField) {
  ValidationIssue issue = refusal("{}");
  EXPECT_EQ(issue.type, "missing");
  EXPECT_EQ(loc_text(issue), "body.texts");
}

TEST_F(BatchBody, NotAnObject) { EXPECT_EQ(refusal(R"(["a"])").type, "model_attributes_type"); }

TEST_F(BatchBody, TextsMustBeAList) {
  for (const char* body : {R"({"texts": "a"})", R"({"texts": null})", R"({"texts": {"0": "a"}})"}) {
    ValidationIssue issue = refusal(body);
    EXPECT_EQ(issue.type, "list_type") << body;
    EXPECT_EQ(loc_text(issue), "body.texts");
  }
}

TEST_F(BatchBody, EmptyListIsTooShort) {
  ValidationIssue issue = refusal(R"({"texts": []})");
  EXPECT_EQ(issue.type, "too_short");
  EXPECT_EQ(loc_text(issue), "body.texts");
}

TEST_F(BatchBody, ElementErrorsNameTheirIndex) {
  ValidationIssue wrong_type = refusal(R"({"texts": ["a", 2]})");
  EXPECT_EQ(wrong_type.type, "string_type");
  EXPECT_EQ(loc_text(wrong_type), "body.texts.1");
  ValidationIssue empty = refusal(R"({"texts": ["", "a"]})");
  EXPECT_EQ(empty.type, "string_too_short");
  EXPECT_EQ(loc_text(empty), "body.texts.0");
  limits_.max_text_chars = 3;
  ValidationIssue long_text = refusal(R"({"texts": ["abc", "abc", "abcd"]})");
  EXPECT_EQ(long_text.type, "string_too_long");
  EXPECT_EQ(loc_text(long_text), "body.texts.2");
}

TEST_F(BatchBody, CountLimit) {
  limits_.max_batch_texts = 2;
  EXPECT_TRUE(batch(R"({"texts": ["a", "b"]})").has_value());
  ValidationIssue issue = refusal(R"({"texts": ["a", "b", "c"]})");
  EXPECT_EQ(issue.type, "too_long");
  EXPECT_EQ(loc_text(issue), "body.texts");
}

TEST_F(BatchBody, TotalSizeLimitCountsBytes) {
  limits_.max_batch_text_bytes = 6;
  EXPECT_TRUE(batch(R"({"texts": ["abc", "def"]})").has_value());
  // Two characters, but six UTF-8 bytes plus one more.
  ValidationIssue issue = refusal("{\"texts\": [\"\xe2\x82\xac\xe2\x82\xac\", \"x\"]}");
  EXPECT_EQ(issue.type, "too_long");
  EXPECT_EQ(loc_text(issue), "body.texts");
}

TEST_F(BatchBody, UnknownAndDuplicateFields) {
  ValidationIssue extra = refusal(R"({"texts": ["a"], "text": "b"})");
  EXPECT_EQ(extra.type, "extra_forbidden");
  EXPECT_EQ(loc_text(extra), "body.text");
  EXPECT_EQ(refusal(R"({"texts": ["a"], "texts": ["b"]})").type, "duplicate_key");
}

TEST_F(BatchBody, TrailingGarbageAndBrokenArrays) {
  EXPECT_EQ(refusal(R"({"texts": ["a"]} 1)").type, "json_invalid");
  EXPECT_EQ(refusal(R"({"texts": ["a",]})").type, "json_invalid");
  EXPECT_EQ(refusal(R"({"texts": ["a" "b"]})").type, "json_invalid");
  EXPECT_EQ(refusal(R"({"texts": ["a")").type, "json_invalid");
}

TEST_F(BatchBody, JsonErrorsWinOverSchemaErrors) {
  EXPECT_EQ(refusal(R"({"texts": [1, ]})").type, "json_invalid");
  EXPECT_TRUE(texts_.empty());
}

TEST_F(BatchBody, NestedListsAreNotStrings) {
  ValidationIssue issue = refusal(R"({"texts": [["a"]]})");
  EXPECT_EQ(issue.type, "string_type");
  EXPECT_EQ(loc_text(issue), "body.texts.0");
}

// Every issue: a client fixes its request once, not once per issue (pydantic's behaviour).
TEST_F(BatchBody, EveryRefusedTextIsListedInOrder) {
  limits_.max_text_chars = 3;
  ValidationIssues issues = refusals(R"({"texts": ["ok", 2, "", "long!", "ok", null]})");
  ASSERT_EQ(issues.size(), 4u);
  EXPECT_EQ(issues[0].type, "string_type");
  EXPECT_EQ(loc_text(issues[0]), "body.texts.1");
  EXPECT_EQ(issues[1].type, "string_too_short");
  EXPECT_EQ(loc_text(issues[1]), "body.texts.2");
  EXPECT_EQ(issues[2].type, "string_too_long");
  EXPECT_EQ(loc_text(issues[2]), "body.texts.3");
  EXPECT_EQ(issues[3].type, "string_type");
  EXPECT_EQ(loc_text(issues[3]), "body.texts.5");
  EXPECT_TRUE(texts_.empty());
}

TEST_F(BatchBody, FieldIssuesAndTextIssuesTogether) {
  ValidationIssues issues =
      refusals(R"({"user": "root", "texts": [1], "texts": ["a"], "extra": {"x": [1]}})");
  ASSERT_EQ(issues.size(), 4u);
  EXPECT_EQ(loc_text(issues[0]), "body.user");
  EXPECT_EQ(issues[0].type, "extra_forbidden");
  EXPECT_EQ(loc_text(issues[1]), "body.texts.0");
  EXPECT_EQ(issues[2].type, "duplicate_key");
  EXPECT_EQ(loc_text(issues[3]), "body.extra");
}

TEST_F(BatchBody, TheCountLimitEndsTheList) {
  limits_.max_batch_texts = 2;
  ValidationIssues issues = refusals(R"({"texts": [1, "b", 3, 4, 5]})");
  ASSERT_EQ(issues.size(), 2u);
  EXPECT_EQ(loc_text(issues[0]), "body.texts.0");
  EXPECT_EQ(issues[1].type, "too_long");
}

TEST_F(BatchBody, IssuesAreBounded) {
  limits_.max_batch_texts = 100;
  std::string body = R"({"texts": [)";
  for (int i = 0; i < 60; ++i) body += (i == 0 ? "1" : ",1");
  body += "]}";
  ValidationIssues issues = refusals(body);
  ASSERT_EQ(issues.size(), kMaxValidationIssues);
  EXPECT_EQ(loc_text(issues.back()), "body.texts." + std::to_string(kMaxValidationIssues - 1));
}

TEST_F(BatchBody, AJsonErrorAnywhereIsTheOnlyIssue) {
  ValidationIssues issues = refusals(R"({"texts": [1, 2], "x": 1, "y": tru})");
  ASSERT_EQ(issues.size(), 1u);
  EXPECT_EQ(issues[0].type, "json_invalid");
}

TEST_F(BatchBody, TextsAreClearedBeforeEachParse) {
  ASSERT_TRUE(batch(R"({"texts": ["a", "b"]})").has_value());
  EXPECT_FALSE(batch(R"({"texts": 1})").has_value());
  EXPECT_TRUE(texts_.empty());
}

}  // namespace
}  // namespace smlapi::api
