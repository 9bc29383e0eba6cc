#include "oip/route.h"

#include <gtest/gtest.h>

namespace smlapi::oip {
namespace {

TEST(MatchRoute, MatchesServerRoutes) {
  EXPECT_EQ(match_route("GET", "/v2").kind, RouteKind::server_metadata);
  EXPECT_EQ(match_route("GET", "/v2/").kind, RouteKind::server_metadata);
  EXPECT_EQ(match_route("GET", "/v2").route_template, "/v2");
  const auto live = match_route("GET", "/v2/health/live");
  EXPECT_EQ(live.kind, RouteKind::live);
  EXPECT_EQ(live.route_template, "/v2/health/live");
  EXPECT_EQ(match_route("GET", "/v2/health/ready").kind, RouteKind::ready);
}

TEST(MatchRoute, MatchesModelRoutesWithAndWithoutVersion) {
  const auto metadata = match_route("GET", "/v2/models/vader");
  EXPECT_EQ(metadata.kind, RouteKind::model_metadata);
  EXPECT_EQ(metadata.model, "vader");
  EXPECT_FALSE(metadata.version.has_value());
  EXPECT_EQ(metadata.route_template, "/v2/models/{model}");

  const auto versioned = match_route("GET", "/v2/models/vader/versions/abc123");
  EXPECT_EQ(versioned.kind, RouteKind::model_metadata);
  EXPECT_EQ(versioned.version, "abc123");
  EXPECT_EQ(versioned.route_template, "/v2/models/{model}/versions/{version}");

  const auto ready = match_route("GET", "/v2/models/vader/versions/v1/ready");
  EXPECT_EQ(ready.kind, RouteKind::model_ready);
  EXPECT_EQ(ready.route_template, "/v2/models/{model}/versions/{version}/ready");
  EXPECT_EQ(match_route("GET", "/v2/models/vader/ready").route_template,
            "/v2/models/{model}/ready");

  const auto infer = match_route("POST", "/v2/models/vader/infer");
  EXPECT_EQ(infer.kind, RouteKind::infer);
  EXPECT_EQ(infer.model, "vader");
  EXPECT_EQ(infer.route_template, "/v2/models/{model}/infer");
  const auto infer_versioned = match_route("POST", "/v2/models/other/versions/7/infer");
  EXPECT_EQ(infer_versioned.kind, RouteKind::infer);
  EXPECT_EQ(infer_versioned.model, "other");
  EXPECT_EQ(infer_versioned.version, "7");
  EXPECT_EQ(infer_versioned.route_template, "/v2/models/{model}/versions/{version}/infer");
}

TEST(MatchRoute, ReportsWrongMethodWithTheAllowedOne) {
  const auto infer = match_route("GET", "/v2/models/vader/infer");
  EXPECT_EQ(infer.kind, RouteKind::method_not_allowed);
  EXPECT_EQ(infer.allow, "POST");
  EXPECT_EQ(infer.route_template, "/v2/models/{model}/infer");
  const auto metadata = match_route("POST", "/v2");
  EXPECT_EQ(metadata.kind, RouteKind::method_not_allowed);
  EXPECT_EQ(metadata.allow, "GET, HEAD");
  EXPECT_EQ(match_route("HEAD", "/v2/models/vader").kind, RouteKind::model_metadata);
  EXPECT_EQ(match_route("HEAD", "/v2/models/vader/infer").kind, RouteKind::method_not_allowed);
  EXPECT_EQ(match_route("DELETE", "/v2/health/live").kind, RouteKind::method_not_allowed);
}

TEST(MatchRoute, IgnoresTheQueryString) {
  EXPECT_EQ(match_route("GET", "/v2/health/ready?verbose=1").kind, RouteKind::ready);
  EXPECT_EQ(match_route("POST", "/v2/models/vader/infer?x").kind, RouteKind::infer);
}

TEST(MatchRoute, ModelIndexIsAGetRoute) {
  const auto match = match_route("GET", "/v2/models");
  EXPECT_EQ(match.kind, RouteKind::model_index);
  EXPECT_EQ(match.route_template, "/v2/models");
  EXPECT_TRUE(match.model.empty());
  EXPECT_EQ(match_route("POST", "/v2/models").kind, RouteKind::method_not_allowed);
}

TEST(MatchRoute, DoesNotMatchOtherPaths) {
  for (std::string_view path :
       {"", "v2", "/", "/v1", "/v2x", "/v2//", "/v2/health", "/v2/health/other", "/v2/models/",
        "/v2/models//infer", "/v2/models/vader/", "/v2/models/vader/versions",
        "/v2/models/vader/versions/", "/v2/models/vader/predict",
        "/v2/models/vader/versions/1/infer/extra", "/v2/models/vader/infer/", "/predict",
        "/v2/models/vader/versions/1/2/3/4"}) {
    const auto match = match_route("GET", path);
    EXPECT_EQ(match.kind, RouteKind::not_found) << path;
    EXPECT_EQ(match.route_template, "") << path;
  }
}

}  // namespace
}  // namespace smlapi::oip
