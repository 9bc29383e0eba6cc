#include "api/routes.h"

#include <array>

namespace smlapi::api {

namespace {

constexpr bool kGet = true;
constexpr bool kPost = true;
constexpr bool kNo = false;
constexpr std::string_view kPublic = "";
constexpr std::string_view kPredict = "predict";
using enum LimitClass;
using enum Endpoint;

// One row per Route, in the enum's order (checked by RouteTable.RowsFollowTheEnum).
constexpr std::array<RouteInfo, static_cast<std::size_t>(Route::count_)> kRoutes{{
    // {template, GET, POST, scope, rate-limit policy, endpoint}
    {"/healthz", kGet, kNo, kPublic, unlimited, health},
    {"/readyz", kGet, kNo, kPublic, unlimited, health},
    {"/metrics", kGet, kNo, kPublic, unlimited, metrics},
    {"/openapi.json", kGet, kNo, kPublic, unlimited, docs},
    {"/docs", kGet, kNo, kPublic, unlimited, docs},
    {"/docs/{asset}", kGet, kNo, kPublic, unlimited, docs},
    {"/predict", kNo, kPost, kPredict, predict, prediction},
    {"/predict/batch", kNo, kPost, kPredict, predict, prediction},
    {"/token", kNo, kPost, kPublic, token, tokens},
    {"/token/revoke", kNo, kPost, kAnyToken, token, tokens},
    {"/.well-known/jwks.json", kGet, kNo, kPublic, standard, tokens},
    {"/v2", kGet, kNo, kPublic, standard, inference},
    {"/v2/health/live", kGet, kNo, kPublic, unlimited, inference},
    {"/v2/health/ready", kGet, kNo, kPublic, unlimited, inference},
    {"/v2/models", kGet, kNo, kPredict, standard, inference},
    {"/v2/models/{model}", kGet, kNo, kPredict, standard, inference},
    {"/v2/models/{model}/ready", kGet, kNo, kPredict, standard, inference},
    {"/v2/models/{model}/infer", kNo, kPost, kPredict, predict, inference},
    {"/v2/models/{model}/versions/{version}", kGet, kNo, kPredict, standard, inference},
    {"/v2/models/{model}/versions/{version}/ready", kGet, kNo, kPredict, standard, inference},
    {"/v2/models/{model}/versions/{version}/infer", kNo, kPost, kPredict, predict, inference},
    {"unmatched", kGet, kPost, kPublic, standard, unrouted},
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
