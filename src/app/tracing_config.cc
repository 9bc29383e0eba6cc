#include "app/tracing_config.h"

#include "auth/secure_file.h"

#include <charconv>
#include <cmath>

namespace smlapi::app {

std::vector<OptionSpec> with_tracing_options(std::vector<OptionSpec> specs) {
  specs.insert(
      specs.end(),
      {
          {"otlp-endpoint", "",
           "OTLP/HTTP traces receiver, e.g. http://otel-collector:4318/v1/traces; empty: no spans "
           "exported (trace ids are still propagated and logged)"},
          {"otlp-protocol", "http/protobuf",
           "Encoding of exported spans: http/protobuf (application/x-protobuf, compact and "
           "cheapest) or http/json (application/json)"},
          {"otlp-service-name", "secure-ml-api",
           "service.name resource attribute of exported spans"},
          {"otlp-headers-file", "",
           "File of 'Name: value' lines sent to the collector (e.g. an API key); owner-only, never "
           "logged"},
          {"trace-sample-ratio", "1.0",
           "Share of root traces (requests without a valid traceparent) recorded, 0..1; a caller's "
           "traceparent decides its own"},
          {"otlp-queue-spans", "2048",
           "Spans each worker may hold for the exporter, counted as three per request (a "
           "request's spans take 768 bytes together); beyond: dropped and counted"},
      });
  return specs;
}

std::optional<std::string> read_tracing_config(const ParsedOptions& options,
                                               TracingConfig& config) {
  const std::string ratio = options.get("trace-sample-ratio");
  double value = -1;
  auto [end, ec] = std::from_chars(ratio.data(), ratio.data() + ratio.size(), value);
  if (ratio.empty() || ec != std::errc() || end != ratio.data() + ratio.size() ||
      !std::isfinite(value) || value < 0.0 || value > 1.0) {
    return "--trace-sample-ratio must be a number from 0 to 1";
  }
  config.sample_ratio = value;
  const std::string queue = options.get("otlp-queue-spans");
  std::size_t spans = 0;
  auto [queue_end, queue_ec] = std::from_chars(queue.data(), queue.data() + queue.size(), spans);
  if (queue.empty() || queue_ec != std::errc() || queue_end != queue.data() + queue.size() ||
      spans < 1 || spans > 1'000'000) {
    return "--otlp-queue-spans must be an integer in [1, 1000000]";
  }
  config.queue_spans = spans;
  const std::string protocol = options.get("otlp-protocol");
  if (protocol == "http/protobuf") {
    config.encoding = tracing::OtlpEncoding::protobuf;
  } else if (protocol == "http/json") {
    config.encoding = tracing::OtlpEncoding::json;
  } else {
    return "--otlp-protocol must be http/protobuf or http/json";
  }
  config.service_name = options.get("otlp-service-name");
  if (config.service_name.empty()) return "--otlp-service-name must not be empty";
  if (const std::string url = options.get("otlp-endpoint"); !url.empty()) {
    auto endpoint = tracing::parse_otlp_endpoint(url);
    if (!endpoint) return "--otlp-endpoint " + std::string(tracing::describe(endpoint.error()));
    config.endpoint = std::move(*endpoint);
  }
  if (const std::string file = options.get("otlp-headers-file"); !file.empty()) {
    if (!config.endpoint) return "--otlp-headers-file needs --otlp-endpoint";
    auto text = auth::read_trusted_file(file, auth::FileAudience::secret);
    if (!text) return "--otlp-headers-file: " + text.error().message;
    auto headers = tracing::parse_otlp_headers(*text);
    if (!headers) {
      return "--otlp-headers-file: line " + std::to_string(headers.error().line) + ": " +
             headers.error().message;
    }
    config.headers = std::move(*headers);
  }
  return std::nullopt;
}

}  // namespace smlapi::app
