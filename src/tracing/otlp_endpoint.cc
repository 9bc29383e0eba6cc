#include "tracing/otlp_endpoint.h"

#include <charconv>

namespace smlapi::tracing {

std::string_view describe(EndpointError error) {
  switch (error) {
    case EndpointError::not_http:
      return "must start with http:// (plain HTTP to a collector next to the service)";
    case EndpointError::bad_host:
      return "has no valid host";
    case EndpointError::bad_port:
      return "has a port outside 1..65535";
    case EndpointError::bad_path:
      return "must have a path such as /v1/traces, without spaces or a query";
  }
  return "is invalid";
}

namespace {
bool host_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '.' || c == '_';
}
bool path_char(char c) { return c > 0x20 && c < 0x7F && c != '?' && c != '#'; }
}  // namespace

boost::system::result<OtlpEndpoint, EndpointError> parse_otlp_endpoint(std::string_view url) {
  constexpr std::string_view kScheme = "http://";
  if (!url.starts_with(kScheme)) return EndpointError::not_http;
  url.remove_prefix(kScheme.size());
  const auto slash = url.find('/');
  std::string_view authority = url.substr(0, slash);
  const std::string_view path = slash == std::string_view::npos ? "/" : url.substr(slash);
  for (char c : path) {
    if (!path_char(c)) return EndpointError::bad_path;
  }
  OtlpEndpoint endpoint;
  endpoint.host_header = authority;
  std::string_view host = authority;
  std::string_view port;
  if (authority.starts_with('[')) {
    const auto close = authority.find(']');
    if (close == std::string_view::npos) return EndpointError::bad_host;
    host = authority.substr(1, close - 1);
    const std::string_view rest = authority.substr(close + 1);
    if (!rest.empty()) {
      if (rest[0] != ':') return EndpointError::bad_host;
      port = rest.substr(1);
    }
    for (char c : host) {
      if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F') ||
            c == ':' || c == '.')) {
        return EndpointError::bad_host;
      }
    }
  } else {
    const auto colon = authority.find(':');
    if (colon != std::string_view::npos) {
      host = authority.substr(0, colon);
      port = authority.substr(colon + 1);
    }
    for (char c : host) {
      if (!host_char(c)) return EndpointError::bad_host;
    }
  }
  if (host.empty()) return EndpointError::bad_host;
  if (!port.empty() || authority.ends_with(':')) {
    unsigned value = 0;
    auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), value);
    if (port.empty() || ec != std::errc() || end != port.data() + port.size() || value == 0 ||
        value > 65535) {
      return EndpointError::bad_port;
    }
    endpoint.port = static_cast<std::uint16_t>(value);
  }
  endpoint.host = host;
  endpoint.target = path;
  return endpoint;
}

}  // namespace smlapi::tracing
