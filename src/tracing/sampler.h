// Which traces are recorded. Parent-based: a request that comes with a valid traceparent follows
// its caller's "sampled" flag (the caller decided for the whole trace); a root trace (no header,
// or an invalid one) is kept with probability `root_ratio`, decided from the trace id itself as
// OpenTelemetry's TraceIdRatioBased sampler does, so every service that sees the id agrees.
#pragma once

#include "tracing/ids.h"
#include "tracing/trace_context.h"

#include <optional>

namespace smlapi::tracing {

bool sample_root(const TraceId& trace_id, double root_ratio);

// `parent`: the valid incoming traceparent, if any.
inline bool sample(const std::optional<TraceParent>& parent, const TraceId& trace_id,
                   double root_ratio) {
  return parent ? parent->sampled() : sample_root(trace_id, root_ratio);
}

}  // namespace smlapi::tracing
