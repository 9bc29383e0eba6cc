// The error table and the two error body shapes of the reference design:
// {"detail": "..."} and {"detail": [{"type", "loc", "msg"}]}.
#include "api/errors.h"

#include <gtest/gtest.h>
#include <simdjson.h>

#include <set>
#include <string>

namespace smlapi::api {
namespace {

TEST(Errors, StatusTable) {
  EXPECT_EQ(status_of(ApiError::bad_request), 400u);
  EXPECT_EQ(status_of(ApiError::unauthorized), 401u);
  EXPECT_EQ(status_of(ApiError::forbidden), 403u);
  EXPECT_EQ(status_of(ApiError::not_found), 404u);
  EXPECT_EQ(status_of(ApiError::method_not_allowed), 405u);
  EXPECT_EQ(status_of(ApiError::request_timeout), 408u);
  EXPECT_EQ(status_of(ApiError::payload_too_large), 413u);
  EXPECT_EQ(status_of(ApiError::uri_too_long), 414u);
  EXPECT_EQ(status_of(ApiError::unsupported_media_type), 415u);
  EXPECT_EQ(status_of(ApiError::validation_failed), 422u);
  EXPECT_EQ(status_of(ApiError::rate_limited), 429u);
  EXPECT_EQ(status_of(ApiError::header_too_large), 431u);
  EXPECT_EQ(status_of(ApiError::internal), 500u);
  EXPECT_EQ(status_of(ApiError::unavailable), 503u);
}

TEST(Errors, KindsAreDistinctLabels) {
  std::set<std::string_view> kinds;
  for (int i = 0; i <= static_cast<int>(ApiError::unavailable); ++i) {
    std::string_view kind = kind_of(static_cast<ApiError>(i));
    EXPECT_FALSE(kind.empty());
    EXPECT_TRUE(kinds.insert(kind).second) << kind;
  }
}

TEST(Errors, DetailBodyIsEscapedJson) {
  http::Response response;
  set_error(response, ApiError::unsupported_media_type, "Expected \"application/json\"\n");
  EXPECT_EQ(response.status, 415u);
  EXPECT_EQ(response.content_type, "application/json");
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  ASSERT_EQ(parser.parse(response.body).get(doc), simdjson::SUCCESS) << response.body;
  std::string_view detail;
  ASSERT_EQ(doc["detail"].get(detail), simdjson::SUCCESS);
  EXPECT_EQ(detail, "Expected \"application/json\"\n");
}

TEST(Errors, ValidationBodyHasTheReferenceShape) {
  http::Response response;
  set_validation_error(
      response, ValidationIssue{"string_type",
                                "Input should be a valid string",
                                {std::string("body"), std::string("texts"), std::size_t{3}}});
  EXPECT_EQ(response.status, 422u);
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  ASSERT_EQ(parser.parse(response.body).get(doc), simdjson::SUCCESS) << response.body;
  simdjson::dom::array detail;
  ASSERT_EQ(doc["detail"].get(detail), simdjson::SUCCESS);
  ASSERT_EQ(detail.size(), 1u);
  simdjson::dom::element first = detail.at(0);
  EXPECT_EQ(std::string_view(first["type"]), "string_type");
  EXPECT_EQ(std::string_view(first["msg"]), "Input should be a valid string");
  simdjson::dom::array loc = first["loc"];
  ASSERT_EQ(loc.size(), 3u);
  EXPECT_EQ(std::string_view(loc.at(0)), "body");
  EXPECT_EQ(std::string_view(loc.at(1)), "texts");
  EXPECT_EQ(std::int64_t(loc.at(2)), 3);  // an index is a JSON number, not a string
}

TEST(Errors, ValidationBodyEscapesUserControlledKeys) {
  http::Response response;
  set_validation_error(response, ValidationIssue{"extra_forbidden",
                                                 "Extra inputs are not permitted",
                                                 {std::string("body"), std::string("a\"b\\c\n")}});
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  ASSERT_EQ(parser.parse(response.body).get(doc), simdjson::SUCCESS) << response.body;
  simdjson::dom::array loc = doc["detail"].at(0)["loc"];
  EXPECT_EQ(std::string_view(loc.at(1)), "a\"b\\c\n");
}

}  // namespace
}  // namespace smlapi::api
