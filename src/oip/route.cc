#include "oip/route.h"

#include <array>
#include <cstddef>
#include <span>

namespace smlapi::oip {

namespace {

// The longest OIP path has 6 segments: v2/models/{m}/versions/{v}/infer.
constexpr std::size_t kMaxSegments = 6;

struct Segments {
  std::array<std::string_view, kMaxSegments> items{};
  std::size_t count = 0;
};

// Splits "/a/b/c" into {a, b, c}; nullopt when the path has empty segments (other than one
// trailing slash after "/v2") or more segments than any route.
std::optional<Segments> split_path(std::string_view path) {
  if (path.empty() || path.front() != '/') return std::nullopt;
  path.remove_prefix(1);
  if (path == "v2/") path = "v2";
  Segments segments;
  while (true) {
    const std::size_t slash = path.find('/');
    const std::string_view segment = path.substr(0, slash);
    if (segment.empty() || segments.count == kMaxSegments) return std::nullopt;
    segments.items[segments.count++] = segment;
    if (slash == std::string_view::npos) return segments;
    path.remove_prefix(slash + 1);
  }
}

constexpr std::string_view kGetOrHead = "GET, HEAD";
constexpr std::string_view kPost = "POST";

// GET routes also answer HEAD (the caller sends no body), as the rest of the API does.
RouteMatch with_method(RouteMatch match, std::string_view method) {
  const bool allowed =
      match.allow == kPost ? method == "POST" : method == "GET" || method == "HEAD";
  if (!allowed) match.kind = RouteKind::method_not_allowed;
  return match;
}

RouteMatch get(RouteKind kind, std::string_view route_template) {
  return {kind, {}, std::nullopt, route_template, kGetOrHead};
}

// Paths under /v2/models/{model}: `rest` is what follows the model name.
RouteMatch match_model_route(std::string_view model, std::span<const std::string_view> rest) {
  RouteMatch match;
  match.model = model;
  if (rest.size() >= 2 && rest[0] == "versions") {
    match.version = rest[1];
    rest = rest.subspan(2);
  }
  const bool versioned = match.version.has_value();
  if (rest.empty()) {
    match.kind = RouteKind::model_metadata;
    match.route_template =
        versioned ? "/v2/models/{model}/versions/{version}" : "/v2/models/{model}";
    match.allow = kGetOrHead;
  } else if (rest.size() == 1 && rest[0] == "ready") {
    match.kind = RouteKind::model_ready;
    match.route_template =
        versioned ? "/v2/models/{model}/versions/{version}/ready" : "/v2/models/{model}/ready";
    match.allow = kGetOrHead;
  } else if (rest.size() == 1 && rest[0] == "infer") {
    match.kind = RouteKind::infer;
    match.route_template =
        versioned ? "/v2/models/{model}/versions/{version}/infer" : "/v2/models/{model}/infer";
    match.allow = kPost;
  } else {
    return RouteMatch{};
  }
  return match;
}

RouteMatch match_path(const Segments& path) {
  const std::span<const std::string_view> segments(path.items.data(), path.count);
  if (segments.empty() || segments[0] != "v2") return RouteMatch{};
  if (segments.size() == 1) return get(RouteKind::server_metadata, "/v2");
  if (segments.size() == 3 && segments[1] == "health") {
    if (segments[2] == "live") return get(RouteKind::live, "/v2/health/live");
    if (segments[2] == "ready") return get(RouteKind::ready, "/v2/health/ready");
    return RouteMatch{};
  }
  if (segments.size() == 2 && segments[1] == "models")
    return get(RouteKind::model_index, "/v2/models");
  if (segments.size() >= 3 && segments[1] == "models") {
    return match_model_route(segments[2], segments.subspan(3));
  }
  return RouteMatch{};
}

}  // namespace

RouteMatch match_route(std::string_view method, std::string_view path) {
  path = path.substr(0, path.find('?'));
  const auto segments = split_path(path);
  if (!segments) return RouteMatch{};
  const RouteMatch match = match_path(*segments);
  if (match.kind == RouteKind::not_found) return match;
  return with_method(match, method);
}

}  // namespace smlapi::oip
