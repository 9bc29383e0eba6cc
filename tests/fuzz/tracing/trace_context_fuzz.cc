// Fuzzes the W3C trace context parsers and what the service builds from them: the input is split
// at the first '\n' into a traceparent and a tracestate; a third part (after a second '\n') goes
// to the --otlp-endpoint and --otlp-headers-file parsers. Checks the invariants the service
// relies on: an accepted traceparent has valid ids and round-trips through our format; a
// normalised tracestate fits its bound and parses again to itself; a request trace always has
// valid ids.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "tracing/otlp_endpoint.h"
#include "tracing/otlp_headers.h"
#include "tracing/request_trace.h"
#include "tracing/trace_context.h"
#include "tracing/trace_state.h"

namespace {
void check(bool condition) {
  if (!condition) std::abort();
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  const auto first = input.find('\n');
  const std::string_view traceparent = input.substr(0, first);
  std::string_view rest =
      first == std::string_view::npos ? std::string_view() : input.substr(first + 1);
  const auto second = rest.find('\n');
  const std::string_view tracestate = rest.substr(0, second);
  const std::string_view other =
      second == std::string_view::npos ? std::string_view() : rest.substr(second + 1);

  using namespace smlapi::tracing;
  if (auto parent = parse_traceparent(traceparent)) {
    check(parent->trace_id.valid() && parent->parent_id.valid());
    const std::string formatted =
        format_traceparent(parent->trace_id, parent->parent_id, parent->sampled());
    auto again = parse_traceparent(formatted);
    check(again.has_value() && again->trace_id == parent->trace_id &&
          again->parent_id == parent->parent_id && again->sampled() == parent->sampled());
    check(traceparent.substr(3, 50) == std::string_view(formatted).substr(3, 50));
  }

  std::array<char, kMaxTraceStateLength> out;
  if (auto length = normalize_tracestate(tracestate, out)) {
    check(*length <= kMaxTraceStateLength);
    const std::string kept(out.data(), *length);
    std::array<char, kMaxTraceStateLength> again;
    auto second_pass = normalize_tracestate(kept, again);
    check(second_pass.has_value() && *second_pass == *length &&
          std::string_view(again.data(), *second_pass) == kept);
  }

  IdGenerator ids({size, 1, 2, 3});
  RequestTrace trace;
  begin_request_trace(traceparent, tracestate, TracerConfig{0.5, true}, ids, trace);
  check(trace.trace_id.valid() && trace.span_id.valid());
  check(trace.trace_state_length <= kMaxTraceStateLength);

  (void)parse_otlp_endpoint(other);
  if (auto headers = parse_otlp_headers(other)) {
    for (const auto& [name, value] : *headers) check(!name.empty());
  }
  return 0;
}
