#include "api/routes.h"

#include <array>

namespace smlapi::api {

namespace {
constexpr std::array<RouteInfo, static_cast<std::size_t>(Route::count_)> kRoutes{{
    {"/healthz", true, false, false},
    {"/readyz", true, false, false},
    {"/metrics", true, false, false},
    {"/openapi.json", true, false, false},
    {"/docs", true, false, false},
    {"/docs/{asset}", true, false, false},
    {"/predict", false, true, true},
    {"/predict/batch", false, true, true},
    {"/token", false, true, true},
    {"/token/revoke", false, true, true},
    {"/.well-known/jwks.json", true, false, true},
    {"/v2", true, false, true},
    {"/v2/health/live", true, false, false},
    {"/v2/health/ready", true, false, false},
    {"/v2/models/{model}", true, false, true},
    {"/v2/models/{model}/ready", true, false, true},
    {"/v2/models/{model}/infer", false, true, true},
    {"/v2/models/{model}/versions/{version}", true, false, true},
    {"/v2/models/{model}/versions/{version}/ready", true, false, true},
    {"/v2/models/{model}/versions/{version}/infer", false, true, true},
    {"unmatched", true, true, true},
}};
}  // namespace

const RouteInfo& route_info(Route route) { return kRoutes[static_cast<std::size_t>(route)]; }

std::string_view allow_header(Route route) {
  const RouteInfo& info = route_info(route);
  if (info.allows_get && info.allows_post) return "GET, HEAD, POST";
  if (info.allows_post) return "POST";
  return "GET, HEAD";
}

Route match_static_route(std::string_view path) {
  if (path == "/predict") return Route::predict;
  if (path == "/predict/batch") return Route::predict_batch;
  if (path == "/healthz") return Route::healthz;
  if (path == "/readyz") return Route::readyz;
  if (path == "/metrics") return Route::metrics;
  if (path == "/token") return Route::token;
  if (path == "/token/revoke") return Route::token_revoke;
  if (path == "/.well-known/jwks.json") return Route::jwks;
  if (path == "/openapi.json") return Route::openapi;
  if (path == "/docs" || path == "/docs/") return Route::docs;
  if (path.starts_with("/docs/")) return Route::docs_asset;
  return Route::not_found;
}

MethodLabel method_label(boost::beast::http::verb method) {
  using boost::beast::http::verb;
  switch (method) {
    case verb::get:
      return MethodLabel::get;
    case verb::head:
      return MethodLabel::head;
    case verb::post:
      return MethodLabel::post;
    case verb::options:
      return MethodLabel::options;
    default:
      return MethodLabel::other;
  }
}

std::string_view to_string(MethodLabel method) {
  switch (method) {
    case MethodLabel::get:
      return "GET";
    case MethodLabel::head:
      return "HEAD";
    case MethodLabel::post:
      return "POST";
    case MethodLabel::options:
      return "OPTIONS";
    default:
      return "OTHER";
  }
}

}  // namespace smlapi::api
