// The route table: static path matching, route templates (the metrics label)
// and the Allow header of 405 answers.
#include "api/routes.h"

#include <gtest/gtest.h>

#include <set>
#include <string>

namespace smlapi::api {
namespace {

namespace bhttp = boost::beast::http;

struct PathCase {
  const char* path;
  Route route;
};

class StaticRoute : public ::testing::TestWithParam<PathCase> {};

TEST_P(StaticRoute, Matches) {
  EXPECT_EQ(match_static_route(GetParam().path), GetParam().route) << GetParam().path;
}

INSTANTIATE_TEST_SUITE_P(
    Paths, StaticRoute,
    ::testing::Values(
        PathCase{"/predict", Route::predict}, PathCase{"/predict/batch", Route::predict_batch},
        PathCase{"/healthz", Route::healthz}, PathCase{"/readyz", Route::readyz},
        PathCase{"/metrics", Route::metrics}, PathCase{"/token", Route::token},
        PathCase{"/token/revoke", Route::token_revoke},
        PathCase{"/.well-known/jwks.json", Route::jwks}, PathCase{"/openapi.json", Route::openapi},
        PathCase{"/docs", Route::docs}, PathCase{"/docs/", Route::docs},
        PathCase{"/docs/swagger-ui.css", Route::docs_asset},
        // near misses stay unmatched: no prefix or case folding
        PathCase{"/", Route::not_found}, PathCase{"", Route::not_found},
        PathCase{"/predict/", Route::not_found}, PathCase{"/PREDICT", Route::not_found},
        PathCase{"/predict/batch/x", Route::not_found}, PathCase{"/predictx", Route::not_found},
        PathCase{"//predict", Route::not_found}, PathCase{"/healthz/", Route::not_found},
        PathCase{"/docsx", Route::not_found},
        PathCase{"/v2/models/vader/infer", Route::not_found}));

TEST(Routes, TemplatesAreUniqueAndBounded) {
  std::set<std::string> seen;
  for (std::size_t i = 0; i < static_cast<std::size_t>(Route::count_); ++i) {
    auto route = static_cast<Route>(i);
    std::string path(route_info(route).template_path);
    EXPECT_TRUE(seen.insert(path).second) << "duplicate template " << path;
    if (route != Route::not_found) {
      EXPECT_EQ(path.front(), '/') << path;
    }
    const RouteInfo& info = route_info(route);
    EXPECT_TRUE(info.allows_get || info.allows_post) << path;
  }
  // The raw path never becomes a label: unmatched paths share one template.
  EXPECT_EQ(route_info(Route::not_found).template_path, "unmatched");
  EXPECT_EQ(route_info(Route::v2_infer).template_path, "/v2/models/{model}/infer");
  EXPECT_EQ(route_info(Route::docs_asset).template_path, "/docs/{asset}");
}

TEST(Routes, AllowHeaderFollowsTheMethods) {
  EXPECT_EQ(allow_header(Route::predict), "POST");
  EXPECT_EQ(allow_header(Route::predict_batch), "POST");
  EXPECT_EQ(allow_header(Route::token), "POST");
  EXPECT_EQ(allow_header(Route::healthz), "GET, HEAD");
  EXPECT_EQ(allow_header(Route::metrics), "GET, HEAD");
  EXPECT_EQ(allow_header(Route::jwks), "GET, HEAD");
  EXPECT_EQ(allow_header(Route::v2_infer), "POST");
  EXPECT_EQ(allow_header(Route::not_found), "GET, HEAD, POST");
}

TEST(Routes, OperationalRoutesAreNotRateLimited) {
  for (Route route :
       {Route::healthz, Route::readyz, Route::metrics, Route::v2_live, Route::v2_ready}) {
    EXPECT_FALSE(route_info(route).needs_rate_limit()) << route_info(route).template_path;
  }
  for (Route route : {Route::predict, Route::predict_batch, Route::token, Route::v2_infer}) {
    EXPECT_TRUE(route_info(route).needs_rate_limit()) << route_info(route).template_path;
  }
}

TEST(RouteTable, RowsFollowTheEnum) {
  // The table is indexed by Route: spot-check rows across it, first to last.
  EXPECT_EQ(route_info(Route::healthz).template_path, "/healthz");
  EXPECT_EQ(route_info(Route::predict).template_path, "/predict");
  EXPECT_EQ(route_info(Route::token_revoke).template_path, "/token/revoke");
  EXPECT_EQ(route_info(Route::v2_models).template_path, "/v2/models");
  EXPECT_EQ(route_info(Route::v2_version_infer).template_path,
            "/v2/models/{model}/versions/{version}/infer");
  EXPECT_EQ(route_info(Route::not_found).template_path, "unmatched");
}

TEST(RouteTable, ScopesOfProtectedRoutes) {
  for (Route route : {Route::predict, Route::predict_batch, Route::v2_models, Route::v2_model,
                      Route::v2_model_ready, Route::v2_infer, Route::v2_version,
                      Route::v2_version_ready, Route::v2_version_infer}) {
    EXPECT_EQ(route_info(route).scope, "predict") << route_info(route).template_path;
    EXPECT_TRUE(route_info(route).needs_token());
  }
  EXPECT_TRUE(route_info(Route::token_revoke).needs_token());
  EXPECT_EQ(route_info(Route::token_revoke).token_scope(), "") << "any valid token";
  for (Route route :
       {Route::healthz, Route::readyz, Route::metrics, Route::openapi, Route::docs, Route::token,
        Route::jwks, Route::v2_server, Route::v2_live, Route::v2_ready, Route::not_found}) {
    EXPECT_FALSE(route_info(route).needs_token()) << route_info(route).template_path;
  }
}

TEST(RouteTable, PolicyOfEachLimitedRoute) {
  EXPECT_EQ(route_info(Route::token).limit, LimitClass::token);
  EXPECT_EQ(route_info(Route::token_revoke).limit, LimitClass::token);
  for (Route route :
       {Route::predict, Route::predict_batch, Route::v2_infer, Route::v2_version_infer}) {
    EXPECT_EQ(route_info(route).limit, LimitClass::predict) << route_info(route).template_path;
  }
  EXPECT_EQ(route_info(Route::v2_model).limit, LimitClass::standard);
  EXPECT_EQ(route_info(Route::jwks).limit, LimitClass::standard);
}

TEST(Routes, MethodLabelsAreBounded) {
  EXPECT_EQ(to_string(method_label(bhttp::verb::get)), "GET");
  EXPECT_EQ(to_string(method_label(bhttp::verb::head)), "HEAD");
  EXPECT_EQ(to_string(method_label(bhttp::verb::post)), "POST");
  EXPECT_EQ(to_string(method_label(bhttp::verb::options)), "OPTIONS");
  EXPECT_EQ(to_string(method_label(bhttp::verb::delete_)), "OTHER");
  EXPECT_EQ(to_string(method_label(bhttp::verb::unknown)), "OTHER");
}

}  // namespace
}  // namespace smlapi::api
