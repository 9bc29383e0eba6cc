// bearer_token: extracting the token from "Authorization: Bearer <token>"
// (RFC 6750 section 2.1; the scheme is case-insensitive).
#include "api/access_control.h"

#include <gtest/gtest.h>

namespace smlapi::api {
namespace {

TEST(BearerToken, ExtractsTheToken) {
  EXPECT_EQ(bearer_token("Bearer abc.def.ghi"), "abc.def.ghi");
  EXPECT_EQ(bearer_token("bearer abc"), "abc");
  EXPECT_EQ(bearer_token("BEARER abc"), "abc");
}

TEST(BearerToken, ExtraSpacesBeforeTheTokenAreSkipped) {
  EXPECT_EQ(bearer_token("Bearer    abc"), "abc");
}

TEST(BearerToken, OtherSchemesAndMalformedValuesGiveNothing) {
  for (const char* value : {"", "Bearer", "Bearer ", "Bearer    ", "Basic YWxpY2U6cHc=",
                            "Bearerabc", "Token abc", "abc", " Bearer abc", "Bearer\tabc"}) {
    EXPECT_TRUE(bearer_token(value).empty()) << '"' << value << '"';
  }
}

}  // namespace
}  // namespace smlapi::api
