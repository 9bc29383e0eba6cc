// Route matching for the Open Inference Protocol REST paths under /v2.
//
// (GET routes also accept HEAD.)
//   GET  /v2  (and /v2/)                               server_metadata
//   GET  /v2/health/live                               live
//   GET  /v2/health/ready                              ready
//   GET  /v2/models                                    model_index
//   GET  /v2/models/{model}[/versions/{version}]       model_metadata
//   GET  /v2/models/{model}[/versions/{version}]/ready model_ready
//   POST /v2/models/{model}[/versions/{version}]/infer infer
//
// A known path with another method gives method_not_allowed (with `allow` for the Allow
// header); any other path gives not_found. Segments are compared as sent (no percent-decoding;
// model names and version strings here are plain ASCII), empty segments never match, and a query
// string is ignored. `route_template` is the label for metrics and logs (bounded cardinality):
// the template of the matched path, or "" for not_found.
#pragma once

#include <optional>
#include <string_view>

namespace smlapi::oip {

enum class RouteKind {
  server_metadata,
  live,
  ready,
  model_index,
  model_metadata,
  model_ready,
  infer,
  not_found,
  method_not_allowed,
};

struct RouteMatch {
  RouteKind kind = RouteKind::not_found;
  std::string_view model;  // views into the path passed to match_route
  std::optional<std::string_view> version;
  std::string_view route_template;  // e.g. "/v2/models/{model}/versions/{version}/infer"
  std::string_view allow;           // Allow header value: "GET, HEAD" or "POST"
};

RouteMatch match_route(std::string_view method, std::string_view path);

}  // namespace smlapi::oip
