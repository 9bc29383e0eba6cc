// What every exported batch says about its source: OTLP's resource (service.name,
// service.version); the instrumentation scope is named "secure-ml-api" with the same version.
// And the two encodings a batch can be written in.
#pragma once

#include <string>

namespace smlapi::tracing {

struct Resource {
  std::string service_name;
  std::string service_version;
};

inline constexpr char kInstrumentationScope[] = "secure-ml-api";

// OTLP/HTTP's two encodings (OTEL_EXPORTER_OTLP_PROTOCOL's "http/protobuf" and "http/json").
enum class OtlpEncoding : unsigned char { protobuf, json };

}  // namespace smlapi::tracing
