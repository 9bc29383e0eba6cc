#include "app/descriptor_budget.h"

#include <sys/resource.h>

#include <algorithm>

namespace smlapi::app {

namespace {
// Per worker: an epoll, an eventfd, timers, a Redis connection, headroom for TLS and files.
constexpr std::uint64_t kReservePerThread = 8;

std::uint64_t raise_soft_limit() {
  rlimit limit{};
  if (::getrlimit(RLIMIT_NOFILE, &limit) != 0) return 1024;
  if (limit.rlim_cur < limit.rlim_max) {
    rlimit raised = limit;
    raised.rlim_cur = limit.rlim_max;
    if (::setrlimit(RLIMIT_NOFILE, &raised) == 0) limit = raised;
  }
  return limit.rlim_cur == RLIM_INFINITY ? UINT64_MAX : limit.rlim_cur;
}
}  // namespace

DescriptorBudget plan_descriptor_budget(http::ServerLimits& limits, unsigned threads,
                                        std::uint64_t descriptor_limit) {
  DescriptorBudget budget;
  budget.descriptor_limit = descriptor_limit;
  // A quarter of a small limit, at most 64, plus what each worker holds.
  budget.reserved = std::clamp<std::uint64_t>(descriptor_limit / 4, 16, 64) +
                    kReservePerThread * std::max(threads, 1u);
  const std::uint64_t usable =
      descriptor_limit > budget.reserved ? descriptor_limit - budget.reserved : 1;
  if (limits.max_connections == 0) {
    budget.derived = true;
    limits.max_connections =
        static_cast<std::uint32_t>(std::min<std::uint64_t>(limits::kMaxConnections, usable));
  } else {
    budget.above_limit = limits.max_connections > usable;
  }
  if (limits.max_connections_per_client == kAutoPerClient) {
    // A quarter, but never below 64 (an office behind one NAT address) unless the whole
    // budget is smaller.
    limits.max_connections_per_client = std::max<std::uint32_t>(
        limits.max_connections / 4, std::min<std::uint32_t>(limits.max_connections, 64));
  }
  return budget;
}

DescriptorBudget apply_descriptor_budget(http::ServerLimits& limits, unsigned threads) {
  return plan_descriptor_budget(limits, threads, raise_soft_limit());
}

}  // namespace smlapi::app
