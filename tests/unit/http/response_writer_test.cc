// write_response / write_simple_error: the wire form of every answer, with the
// security headers each one carries (errors included) and no Server banner.
#include "http/response_writer.h"

#include <gtest/gtest.h>

#include <boost/beast/core/string.hpp>

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace smlapi::http {
namespace {

struct Wire {
  std::string status_line;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;

  std::optional<std::string> header(std::string_view name) const {
    std::optional<std::string> found;
    for (const auto& [key, value] : headers) {
      if (boost::beast::iequals(key, name)) {
        if (found) ADD_FAILURE() << "header repeated: " << name;
        found = value;
      }
    }
    return found;
  }
};

Wire split(const std::string& out) {
  Wire wire;
  auto end = out.find("\r\n\r\n");
  EXPECT_NE(end, std::string::npos) << "no end of header";
  if (end == std::string::npos) return wire;
  std::string_view head(out.data(), end);
  wire.body = out.substr(end + 4);
  auto line_end = head.find("\r\n");
  wire.status_line = std::string(head.substr(0, line_end));
  head = line_end == std::string_view::npos ? std::string_view{} : head.substr(line_end + 2);
  while (!head.empty()) {
    auto next = head.find("\r\n");
    std::string_view line = head.substr(0, next);
    auto colon = line.find(": ");
    EXPECT_NE(colon, std::string_view::npos) << "bad header line: " << line;
    if (colon != std::string_view::npos) {
      wire.headers.emplace_back(line.substr(0, colon), line.substr(colon + 2));
    }
    head = next == std::string_view::npos ? std::string_view{} : head.substr(next + 2);
  }
  return wire;
}

ResponseContext context(bool keep_alive = true, bool head_request = false, bool tls = false,
                        std::string_view request_id = {}) {
  ResponseContext result;
  result.request_id = request_id;
  result.keep_alive = keep_alive;
  result.head_request = head_request;
  result.tls = tls;
  return result;
}

Wire write(const Response& response, const ResponseContext& context = {}) {
  std::string out;
  write_response(response, context, out);
  return split(out);
}

void expect_security_headers(const Wire& wire) {
  EXPECT_EQ(wire.header("X-Content-Type-Options"), "nosniff");
  EXPECT_EQ(wire.header("X-Frame-Options"), "DENY");
  EXPECT_EQ(wire.header("Referrer-Policy"), "no-referrer");
  EXPECT_TRUE(wire.header("Permissions-Policy").has_value());
  EXPECT_EQ(wire.header("Cross-Origin-Opener-Policy"), "same-origin");
  EXPECT_EQ(wire.header("Cross-Origin-Resource-Policy"), "same-origin");
  auto csp = wire.header("Content-Security-Policy");
  ASSERT_TRUE(csp.has_value());
  EXPECT_EQ(csp->find("unsafe-inline"), std::string::npos);
  EXPECT_EQ(csp->find("unsafe-eval"), std::string::npos);
  EXPECT_FALSE(wire.header("Server").has_value());
}

Response json_response(unsigned status, std::string body) {
  Response response;
  response.status = status;
  response.body = std::move(body);
  return response;
}

class EveryStatus : public ::testing::TestWithParam<unsigned> {};

TEST_P(EveryStatus, CarriesTheSecurityHeadersAndNoServerBanner) {
  Wire wire = write(json_response(GetParam(), "{\"detail\":\"x\"}"));
  EXPECT_EQ(wire.status_line.substr(0, 13), "HTTP/1.1 " + std::to_string(GetParam()) + " ");
  EXPECT_NE(wire.status_line.substr(13), "Unknown");
  expect_security_headers(wire);
  EXPECT_EQ(wire.header("Cache-Control"), "no-store");
  EXPECT_EQ(wire.header("Content-Security-Policy"), std::string(kApiContentSecurityPolicy));
}

INSTANTIATE_TEST_SUITE_P(Statuses, EveryStatus,
                         ::testing::Values(200u, 400u, 401u, 403u, 404u, 405u, 408u, 413u, 414u,
                                           415u, 422u, 429u, 431u, 500u, 503u));

TEST(ResponseWriter, ContentLengthAndTypeMatchTheBody) {
  Wire wire = write(json_response(200, "{\"label\":\"POSITIVE\"}"));
  EXPECT_EQ(wire.header("Content-Type"), "application/json");
  EXPECT_EQ(wire.header("Content-Length"), "20");
  EXPECT_EQ(wire.body, "{\"label\":\"POSITIVE\"}");
  EXPECT_FALSE(wire.header("Connection").has_value());  // keep-alive is the 1.1 default
}

TEST(ResponseWriter, EmptyBodyStillStatesItsLength) {
  Wire wire = write(json_response(404, ""));
  EXPECT_EQ(wire.header("Content-Length"), "0");
  EXPECT_TRUE(wire.body.empty());
}

TEST(ResponseWriter, NoContentHasNoBodyFields) {
  Response response;
  response.status = 204;
  Wire wire = write(response);
  EXPECT_EQ(wire.status_line, "HTTP/1.1 204 No Content");
  EXPECT_FALSE(wire.header("Content-Length").has_value());
  EXPECT_FALSE(wire.header("Content-Type").has_value());
  expect_security_headers(wire);
}

TEST(ResponseWriter, ConnectionCloseWhenNotKeepingAlive) {
  EXPECT_EQ(write(json_response(200, "{}"), context(/*keep_alive=*/false)).header("Connection"),
            "close");
  Response closing = json_response(400, "{}");
  closing.close_connection = true;
  EXPECT_EQ(write(closing).header("Connection"), "close");
}

TEST(ResponseWriter, HeadAnswersHeadersOnlyWithTheGetLength) {
  Wire wire =
      write(json_response(200, "{\"status\":\"ok\"}"), context(true, /*head_request=*/true));
  EXPECT_EQ(wire.header("Content-Length"), "15");
  EXPECT_TRUE(wire.body.empty());
}

TEST(ResponseWriter, CacheableAssetsMayBeCached) {
  Response response = json_response(200, "body{}");
  response.cacheable = true;
  response.content_type = "text/css";
  Wire wire = write(response);
  auto cache = wire.header("Cache-Control");
  ASSERT_TRUE(cache.has_value());
  EXPECT_NE(*cache, "no-store");
  EXPECT_NE(cache->find("max-age="), std::string::npos);
  EXPECT_EQ(wire.header("Content-Type"), "text/css");
}

TEST(ResponseWriter, CustomContentSecurityPolicyReplacesTheDefault) {
  Response response = json_response(200, "<html></html>");
  response.content_security_policy = "default-src 'self'";
  EXPECT_EQ(write(response).header("Content-Security-Policy"), "default-src 'self'");
}

TEST(ResponseWriter, HstsOnlyOverTls) {
  EXPECT_FALSE(write(json_response(200, "{}")).header("Strict-Transport-Security").has_value());
  auto hsts = write(json_response(200, "{}"), context(true, false, /*tls=*/true))
                  .header("Strict-Transport-Security");
  EXPECT_EQ(hsts, "max-age=63072000; includeSubDomains") << "two years, subdomains included";
}

TEST(ResponseWriter, RequestIdAndExtraHeadersAreWritten) {
  Response response = json_response(405, "{}");
  response.add_header("Allow", "GET, HEAD");
  Wire wire = write(response, context(true, false, false, "req-42"));
  EXPECT_EQ(wire.header("X-Request-ID"), "req-42");
  EXPECT_EQ(wire.header("Allow"), "GET, HEAD");
  EXPECT_EQ(wire.status_line, "HTTP/1.1 405 Method Not Allowed");
}

TEST(ResponseWriter, HeaderValuesFormattedInPlaceStartEmptyInReusedSlots) {
  Response response = json_response(200, "{}");
  response.add_header("RateLimit", "\"old\";r=1;t=1");
  response.clear();  // slots are reused: the next value must not keep the old text
  response.add_header_value("RateLimit").append("\"new\";r=").append("7");
  response.add_header("Allow", "GET");
  Wire wire = write(response, context());
  EXPECT_EQ(wire.header("RateLimit"), "\"new\";r=7");
  EXPECT_EQ(wire.header("Allow"), "GET");
  ASSERT_EQ(response.headers().size(), 2u);
}

TEST(ResponseWriter, AppendsToWhatIsAlreadyInTheBuffer) {
  std::string out = "previous";
  write_response(json_response(200, "{}"), context(), out);
  EXPECT_EQ(out.rfind("previousHTTP/1.1 200 OK\r\n", 0), 0u);
}

TEST(SimpleError, IsAClosingJsonAnswerWithSecurityHeaders) {
  std::string out;
  write_simple_error(503, "too many connections", out);
  Wire wire = split(out);
  EXPECT_EQ(wire.status_line, "HTTP/1.1 503 Service Unavailable");
  expect_security_headers(wire);
  EXPECT_EQ(wire.header("Connection"), "close");
  EXPECT_EQ(wire.header("Cache-Control"), "no-store");
  EXPECT_EQ(wire.header("Content-Type"), "application/json");
  EXPECT_EQ(wire.body, "{\"detail\":\"too many connections\"}");
  EXPECT_EQ(wire.header("Content-Length"), std::to_string(wire.body.size()));
}

TEST(ReasonPhrase, KnownStatusesHaveTheirRfc9110Phrase) {
  EXPECT_EQ(reason_phrase(413), "Content Too Large");
  EXPECT_EQ(reason_phrase(422), "Unprocessable Content");
  EXPECT_EQ(reason_phrase(431), "Request Header Fields Too Large");
  EXPECT_EQ(reason_phrase(100), "Continue");
}

}  // namespace
}  // namespace smlapi::http
