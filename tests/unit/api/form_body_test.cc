// parse_form / form_decode: application/x-www-form-urlencoded bodies of the
// OAuth 2.0 endpoints (RFC 6749: parameters must not repeat).
#include "api/form_body.h"

#include <gtest/gtest.h>

#include "result_matchers.h"

#include <string>

namespace smlapi::api {
namespace {

using ::smlapi::result_testing::ErrorOf;

FormFields parsed(std::string_view body) {
  auto result = parse_form(body);
  if (!result.has_value()) {
    ADD_FAILURE() << "refused: " << body;
    return {};
  }
  return *result;
}

FormError refusal(std::string_view body) {
  auto result = parse_form(body);
  if (result.has_value()) {
    ADD_FAILURE() << "accepted: " << body;
    return FormError::malformed_encoding;
  }
  return ErrorOf(result);
}

TEST(FormBody, ParsesAPasswordGrant) {
  FormFields fields =
      parsed("grant_type=password&username=alice%40example.com&password=p%26ss+w%3Drd");
  EXPECT_EQ(fields.size(), 3u);
  EXPECT_EQ(fields["grant_type"], "password");
  EXPECT_EQ(fields["username"], "alice@example.com");
  EXPECT_EQ(fields["password"], "p&ss w=rd");
}

TEST(FormBody, PlusIsSpaceAndEncodedPlusIsPlus) {
  EXPECT_EQ(parsed("scope=predict+admin")["scope"], "predict admin");
  EXPECT_EQ(parsed("a=1%2B1")["a"], "1+1");
}

TEST(FormBody, NamesAreDecodedToo) { EXPECT_EQ(parsed("client%5Fid=x")["client_id"], "x"); }

TEST(FormBody, HexDigitsInEitherCase) { EXPECT_EQ(parsed("a=%c3%A9")["a"], "\xc3\xa9"); }

TEST(FormBody, EmptyPairsAreSkippedAndNamesWithoutValueAreEmpty) {
  FormFields fields = parsed("&&a=1&&b&c=&");
  EXPECT_EQ(fields.size(), 3u);
  EXPECT_EQ(fields["a"], "1");
  EXPECT_EQ(fields["b"], "");
  EXPECT_EQ(fields["c"], "");
  EXPECT_TRUE(parsed("").empty());
}

TEST(FormBody, OnlyTheFirstEqualsSplits) { EXPECT_EQ(parsed("a=b=c")["a"], "b=c"); }

class BadEscape : public ::testing::TestWithParam<const char*> {};

TEST_P(BadEscape, IsMalformedEncoding) {
  EXPECT_EQ(refusal(GetParam()), FormError::malformed_encoding) << GetParam();
}

INSTANTIATE_TEST_SUITE_P(Bodies, BadEscape,
                         ::testing::Values("a=%", "a=%4", "a=%zz", "a=%4g", "a=%%41", "%=1",
                                           "a%2=1", "a=1&b=%x1"));

TEST(FormBody, RepeatedParameterIsRefused) {
  EXPECT_EQ(refusal("username=a&username=b"), FormError::repeated_parameter);
  // Repeats are found after decoding as well.
  EXPECT_EQ(refusal("username=a&user%6Eame=b"), FormError::repeated_parameter);
  EXPECT_EQ(refusal("scope&scope"), FormError::repeated_parameter);
}

TEST(FormBody, ParameterCountIsCapped) {
  std::string body;
  for (int i = 0; i < 16; ++i) body.append("p").append(std::to_string(i)).append("=v&");
  EXPECT_EQ(parsed(body).size(), 16u);
  body.append("p16=v");
  EXPECT_EQ(refusal(body), FormError::too_many_parameters);
}

TEST(FormDecode, DecodesIntoTheOutput) {
  std::string out = "stale";
  ASSERT_TRUE(form_decode("a+b%21", out));
  EXPECT_EQ(out, "a b!");
  EXPECT_TRUE(form_decode("%41%42", out));
  EXPECT_EQ(out, "AB");
  EXPECT_TRUE(form_decode("", out));
  EXPECT_EQ(out, "");
}

TEST(FormDecode, EscapeAtTheVeryEnd) {
  std::string out;
  EXPECT_TRUE(form_decode("x%41", out));
  EXPECT_EQ(out, "xA");
  EXPECT_FALSE(form_decode("x%4", out));
  EXPECT_FALSE(form_decode("x%", out));
}

TEST(FormDecode, NulByteDecodesLiterally) {
  std::string out;
  ASSERT_TRUE(form_decode("a%00b", out));
  EXPECT_EQ(out, std::string("a\0b", 3));
}

}  // namespace
}  // namespace smlapi::api
