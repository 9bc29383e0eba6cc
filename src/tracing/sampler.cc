#include "tracing/sampler.h"

#include <cmath>
#include <cstdint>

namespace smlapi::tracing {

bool sample_root(const TraceId& trace_id, double root_ratio) {
  if (!(root_ratio > 0.0)) return false;  // NaN included
  if (root_ratio >= 1.0) return true;
  // The lowest 8 bytes as a big-endian number, its top 63 bits compared with ratio * 2^63.
  std::uint64_t low = 0;
  for (std::size_t i = 8; i < 16; ++i) low = low << 8 | trace_id.bytes[i];
  const double bound = std::ldexp(root_ratio, 63);
  return static_cast<double>(low >> 1) < bound;
}

}  // namespace smlapi::tracing
