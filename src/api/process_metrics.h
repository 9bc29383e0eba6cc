// The process_* metrics every Prometheus client library exports (CPU, memory, descriptors,
// start time), which dashboards and alerts assume. prometheus-cpp has no process collector, so
// this reads Linux's /proc/self the way the Go and Python clients do, at scrape time.
#pragma once

#include <prometheus/metric_family.h>

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

namespace smlapi::api {

struct ProcessStats {
  double cpu_seconds = 0;         // user + system
  double start_time_seconds = 0;  // Unix time
  std::uint64_t virtual_bytes = 0;
  std::uint64_t resident_bytes = 0;
};

// Parses /proc/self/stat (`stat`), given clock ticks per second, the page size and the boot
// time (btime of /proc/stat). nullopt when the line is not in the documented format (proc(5)).
std::optional<ProcessStats> parse_proc_stat(std::string_view stat, long ticks_per_second,
                                            long page_bytes, std::int64_t boot_time);

// The families process_cpu_seconds_total, process_open_fds, process_max_fds,
// process_virtual_memory_bytes, process_resident_memory_bytes and process_start_time_seconds,
// read now; the ones that cannot be read are left out rather than reported as 0.
std::vector<prometheus::MetricFamily> collect_process_metrics();

}  // namespace smlapi::api
