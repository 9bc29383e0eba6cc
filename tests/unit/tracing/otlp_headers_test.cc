#include "tracing/otlp_headers.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "result_matchers.h"

namespace smlapi::tracing {
namespace {

using ::smlapi::result_testing::ErrorOf;
using ::smlapi::result_testing::ValueOf;

TEST(OtlpHeaders, ReadsNameValueLines) {
  const HeaderList headers =
      ValueOf(parse_otlp_headers("# comment\n\nAuthorization: Bearer abc \r\nx-team:  ml\n"));
  ASSERT_EQ(headers.size(), 2u);
  EXPECT_EQ(headers[0].first, "Authorization");
  EXPECT_EQ(headers[0].second, "Bearer abc");
  EXPECT_EQ(headers[1].second, "ml");
}

TEST(OtlpHeaders, ErrorsNameTheLineNotItsContent) {
  const auto error = ErrorOf(parse_otlp_headers("a: 1\nsecret-without-colon\n"));
  EXPECT_EQ(error.line, 2u);
  EXPECT_EQ(error.message.find("secret"), std::string::npos);
  EXPECT_EQ(ErrorOf(parse_otlp_headers("Content-Length: 5\n")).line, 1u);
  EXPECT_EQ(ErrorOf(parse_otlp_headers("bad name: 5\n")).line, 1u);
  EXPECT_EQ(ErrorOf(parse_otlp_headers("a: b\x01\n")).line, 1u);
}

}  // namespace
}  // namespace smlapi::tracing
