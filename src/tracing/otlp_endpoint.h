// --otlp-endpoint: "http://host:port/path" (an OTLP/HTTP receiver, e.g. a collector's
// http://otel-collector:4318/v1/traces). Plain HTTP only: the collector is expected next to the
// service (a sidecar or a node agent), as OpenTelemetry deployments usually run it.
#pragma once

#include <boost/system/result.hpp>

#include <cstdint>
#include <string>
#include <string_view>

namespace smlapi::tracing {

struct OtlpEndpoint {
  std::string host;  // a name or an IPv4 address; [IPv6] without its brackets
  std::uint16_t port = 80;
  std::string target;  // "/v1/traces"
  std::string host_header;
};

enum class EndpointError : std::uint8_t { not_http, bad_host, bad_port, bad_path };
std::string_view describe(EndpointError error);

boost::system::result<OtlpEndpoint, EndpointError> parse_otlp_endpoint(std::string_view url);

}  // namespace smlapi::tracing
