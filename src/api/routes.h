// The route table: every path the service answers, its template (the only
// value ever used as a metrics label, so cardinality stays bounded) and the
// methods it allows.
#pragma once

#include <ostream>  // boost/core string_view needs it before verb.hpp

#include <boost/beast/http/verb.hpp>

#include <cstdint>
#include <optional>
#include <string_view>

namespace smlapi::api {

enum class Route : std::uint8_t {
  healthz,
  readyz,
  metrics,
  openapi,
  docs,
  docs_asset,
  predict,
  predict_batch,
  token,
  token_revoke,
  jwks,
  v2_server,
  v2_live,
  v2_ready,
  v2_model,
  v2_model_ready,
  v2_infer,
  v2_version,
  v2_version_ready,
  v2_version_infer,
  not_found,
  count_  // number of routes
};

struct RouteInfo {
  std::string_view template_path;
  bool allows_get;  // GET (and HEAD)
  bool allows_post;
  bool needs_rate_limit;  // health, metrics and docs stay answerable under a flood
};

const RouteInfo& route_info(Route route);
std::string_view allow_header(Route route);  // value of the Allow header for 405

// The route for a path (query already removed). OIP paths are matched by
// smlapi::oip::match_route and mapped by the caller.
Route match_static_route(std::string_view path);

enum class MethodLabel : std::uint8_t { get, head, post, options, other, count_ };
MethodLabel method_label(boost::beast::http::verb verb);
std::string_view to_string(MethodLabel method);

}  // namespace smlapi::api
