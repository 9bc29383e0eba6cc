#include "tracing/otlp_endpoint.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "result_matchers.h"

namespace smlapi::tracing {
namespace {

using ::smlapi::result_testing::FailsWith;
using ::smlapi::result_testing::ValueOf;

TEST(OtlpEndpoint, ReadsHostPortAndPath) {
  const OtlpEndpoint endpoint = ValueOf(parse_otlp_endpoint("http://collector:4318/v1/traces"));
  EXPECT_EQ(endpoint.host, "collector");
  EXPECT_EQ(endpoint.port, 4318);
  EXPECT_EQ(endpoint.target, "/v1/traces");
  EXPECT_EQ(endpoint.host_header, "collector:4318");
  const OtlpEndpoint v6 = ValueOf(parse_otlp_endpoint("http://[::1]:9/x"));
  EXPECT_EQ(v6.host, "::1");
  EXPECT_EQ(v6.port, 9);
  EXPECT_EQ(ValueOf(parse_otlp_endpoint("http://127.0.0.1")).target, "/");
}

TEST(OtlpEndpoint, RefusesWhatItCannotUse) {
  EXPECT_THAT(parse_otlp_endpoint("https://c:4318/v1/traces"), FailsWith(EndpointError::not_http));
  EXPECT_THAT(parse_otlp_endpoint("http://:4318/v1/traces"), FailsWith(EndpointError::bad_host));
  EXPECT_THAT(parse_otlp_endpoint("http://a b/v1"), FailsWith(EndpointError::bad_host));
  EXPECT_THAT(parse_otlp_endpoint("http://c:0/v1"), FailsWith(EndpointError::bad_port));
  EXPECT_THAT(parse_otlp_endpoint("http://c:99999/v1"), FailsWith(EndpointError::bad_port));
  EXPECT_THAT(parse_otlp_endpoint("http://c:/v1"), FailsWith(EndpointError::bad_port));
  EXPECT_THAT(parse_otlp_endpoint("http://c/v1?x=1"), FailsWith(EndpointError::bad_path));
}

}  // namespace
}  // namespace smlapi::tracing
