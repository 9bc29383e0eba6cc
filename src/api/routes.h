// The route table: every path the service answers, in one row each — its template (the only
// value ever used as a metrics label, so cardinality stays bounded), the methods it allows,
// the scope a caller's token must hold, the rate-limit policy that counts it and the endpoint
// that answers it. The pipeline (ApiService), the limiter (RateLimitGate), OPTIONS/405 and the
// metrics all read this table; adding an endpoint is one row here and its handler.
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
  v2_models,
  v2_model,
  v2_model_ready,
  v2_infer,
  v2_version,
  v2_version_ready,
  v2_version_infer,
  not_found,
  count_  // number of routes
};

// Which rate-limit policy counts a route's requests (RateLimitPolicies). Health, metrics and
// docs are not limited, so they stay answerable under a flood.
enum class LimitClass : std::uint8_t { unlimited, standard, token, predict };

// Which endpoint answers a route (ApiService dispatches on it).
enum class Endpoint : std::uint8_t {
  health,
  metrics,
  docs,
  prediction,
  tokens,
  inference,
  unrouted
};

// A route open to any valid token, whatever its scopes (e.g. revoking one's own token).
inline constexpr std::string_view kAnyToken = "*";

struct RouteInfo {
  std::string_view template_path;
  bool allows_get;  // GET (and HEAD)
  bool allows_post;
  std::string_view scope;  // the scope a bearer token must hold; kAnyToken; empty: public
  LimitClass limit;
  Endpoint endpoint;
  bool needs_rate_limit() const { return limit != LimitClass::unlimited; }
  bool needs_token() const { return !scope.empty(); }
  // The scope to check on the token: empty when any token will do.
  std::string_view token_scope() const { return scope == kAnyToken ? std::string_view() : scope; }
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
