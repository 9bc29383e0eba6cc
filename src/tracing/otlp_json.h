// A batch of spans as an OTLP/JSON ExportTraceServiceRequest (the OpenTelemetry Protocol's JSON
// encoding for POST /v1/traces): ids as lower-case hex, 64-bit integers (times, intValue) as
// decimal strings, enums (kind, status code) as integers, one resource (service.name,
// service.version) and one instrumentation scope.
#pragma once

#include "tracing/span.h"

#include <span>
#include <string>
#include <string_view>

namespace smlapi::tracing {

struct Resource {
  std::string service_name;
  std::string service_version;
};

// Replaces `out` with the request body.
void encode_otlp_json(const Resource& resource, std::span<const SpanRecord> spans,
                      std::string& out);

}  // namespace smlapi::tracing
