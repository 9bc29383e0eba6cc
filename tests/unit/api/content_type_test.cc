// is_json / is_form: which request Content-Type values the API accepts.
#include "api/content_type.h"

#include <gtest/gtest.h>

namespace smlapi::api {
namespace {

class JsonAccepted : public ::testing::TestWithParam<const char*> {};
TEST_P(JsonAccepted, IsJson) { EXPECT_TRUE(is_json(GetParam())) << GetParam(); }
INSTANTIATE_TEST_SUITE_P(
    Values, JsonAccepted,
    ::testing::Values("application/json", "Application/JSON", "application/json; charset=utf-8",
                      "application/json;charset=UTF-8", "application/json; charset=\"utf-8\"",
                      " application/json ; charset = utf-8 ", "application/json; version=1"));

class JsonRefused : public ::testing::TestWithParam<const char*> {};
TEST_P(JsonRefused, IsNotJson) { EXPECT_FALSE(is_json(GetParam())) << GetParam(); }
INSTANTIATE_TEST_SUITE_P(Values, JsonRefused,
                         ::testing::Values("", "text/json", "text/plain", "application/jsonx",
                                           "application/json-patch+json", "application/jso",
                                           "application/x-www-form-urlencoded",
                                           "application/json; charset=latin1",
                                           "application/json; charset=utf-16",
                                           "application/json; charset=utf-8; charset=latin1",
                                           "application/json; nonsense",
                                           "multipart/form-data; boundary=x"));

TEST(ContentType, FormWithAndWithoutParameters) {
  EXPECT_TRUE(is_form("application/x-www-form-urlencoded"));
  EXPECT_TRUE(is_form("Application/X-WWW-Form-Urlencoded; charset=UTF-8"));
  EXPECT_FALSE(is_form("application/json"));
  EXPECT_FALSE(is_form("multipart/form-data"));
  EXPECT_FALSE(is_form(""));
  EXPECT_FALSE(is_form("application/x-www-form-urlencodedx"));
}

}  // namespace
}  // namespace smlapi::api
