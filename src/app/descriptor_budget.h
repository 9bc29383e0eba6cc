// How many connections the process can really hold. Each connection is a file descriptor; a
// budget above RLIMIT_NOFILE means accept() fails with EMFILE long before the budget says
// "full", so clients hang instead of hearing 503. At start the soft limit is raised to the hard
// limit (what Go's runtime and nginx's worker_rlimit_nofile do), then "auto" budgets are derived
// from it, keeping a reserve for the process's own descriptors (event loops, timers, Redis,
// files, the log).
#pragma once

#include "http/limits.h"

#include <cstdint>

namespace smlapi::app {

struct DescriptorBudget {
  std::uint64_t descriptor_limit = 0;  // the soft RLIMIT_NOFILE in force after raising it
  std::uint64_t reserved = 0;          // descriptors kept for everything but connections
  bool derived = false;                // max_connections came from the limit ("auto")
  bool above_limit = false;            // an explicit max_connections the limit cannot hold
};

// Raises the soft descriptor limit to the hard one, then fills in limits.max_connections when
// it is 0 ("auto": min(default, limit - reserve)) and limits.max_connections_per_client when it
// is kAutoPerClient (a quarter of the connection budget, at least 64).
DescriptorBudget apply_descriptor_budget(http::ServerLimits& limits, unsigned threads);

// The pure part, for tests: the budget for a given soft limit.
DescriptorBudget plan_descriptor_budget(http::ServerLimits& limits, unsigned threads,
                                        std::uint64_t descriptor_limit);

inline constexpr std::uint32_t kAutoPerClient = UINT32_MAX;

}  // namespace smlapi::app
