// The tracing options of `serve` (--otlp-*, --trace-sample-ratio): read and checked here, kept
// apart from the rest of serve_config so the exporter's settings stay in one place.
#pragma once

#include "app/options.h"
#include "tracing/otlp_endpoint.h"
#include "tracing/otlp_headers.h"
#include "tracing/otlp_resource.h"

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

namespace smlapi::app {

struct TracingConfig {
  std::optional<tracing::OtlpEndpoint> endpoint;  // set: spans are exported
  std::string service_name = "secure-ml-api";
  tracing::OtlpEncoding encoding = tracing::OtlpEncoding::protobuf;  // --otlp-protocol
  tracing::HeaderList headers;     // from --otlp-headers-file: secrets, never logged
  double sample_ratio = 1.0;       // root traces recorded (a caller's traceparent decides its own)
  std::size_t queue_spans = 2048;  // per worker, before spans are dropped
};

// `specs` followed by the tracing options' rows (serve_options()).
std::vector<OptionSpec> with_tracing_options(std::vector<OptionSpec> specs);

// Fills `config`; an error message naming the option otherwise (never a header's value).
std::optional<std::string> read_tracing_config(const ParsedOptions& options, TracingConfig& config);

}  // namespace smlapi::app
