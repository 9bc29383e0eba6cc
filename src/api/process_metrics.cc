#include "api/process_metrics.h"

#include <sys/resource.h>
#include <unistd.h>

#include <charconv>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

namespace smlapi::api {

namespace pm = prometheus;

namespace {

std::optional<std::string> read_file(const char* path) {
  std::ifstream in(path);
  if (!in) return std::nullopt;
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

// btime of /proc/stat: the boot time, in Unix seconds.
std::optional<std::int64_t> boot_time() {
  auto stat = read_file("/proc/stat");
  if (!stat) return std::nullopt;
  auto at = stat->find("\nbtime ");
  if (at == std::string::npos) return std::nullopt;
  std::int64_t value = 0;
  const char* first = stat->data() + at + 7;
  if (std::from_chars(first, stat->data() + stat->size(), value).ec != std::errc{}) {
    return std::nullopt;
  }
  return value;
}

std::optional<double> open_descriptors() {
  std::error_code ec;
  double count = 0;
  for (std::filesystem::directory_iterator it("/proc/self/fd", ec), end; !ec && it != end;
       it.increment(ec)) {
    ++count;
  }
  if (ec) return std::nullopt;
  return count - 1;  // the iterator's own descriptor
}

pm::MetricFamily family(const char* name, const char* help, pm::MetricType type, double value) {
  pm::ClientMetric metric;
  if (type == pm::MetricType::Counter) {
    metric.counter.value = value;
  } else {
    metric.gauge.value = value;
  }
  return pm::MetricFamily{name, help, type, {metric}};
}

}  // namespace

std::optional<ProcessStats> parse_proc_stat(std::string_view stat, long ticks_per_second,
                                            long page_bytes, std::int64_t boot) {
  // "pid (comm) state ppid ...": comm may hold spaces and parentheses, so fields are counted
  // from the last ')'. After it, field 3 (state) is index 0; utime is field 14, stime 15,
  // starttime 22, vsize 23, rss 24 (proc(5)).
  auto close = stat.rfind(')');
  if (close == std::string_view::npos || ticks_per_second <= 0) return std::nullopt;
  std::string_view rest = stat.substr(close + 1);
  std::vector<std::string_view> fields;
  while (!rest.empty()) {
    auto start = rest.find_first_not_of(" \n");
    if (start == std::string_view::npos) break;
    rest.remove_prefix(start);
    auto end = rest.find_first_of(" \n");
    fields.push_back(rest.substr(0, end));
    rest.remove_prefix(end == std::string_view::npos ? rest.size() : end);
  }
  auto number = [&](std::size_t field) -> std::optional<std::uint64_t> {
    std::size_t index = field - 3;
    if (index >= fields.size()) return std::nullopt;
    std::uint64_t value = 0;
    auto text = fields[index];
    auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc{} || ptr != text.data() + text.size()) return std::nullopt;
    return value;
  };
  auto utime = number(14), stime = number(15), start = number(22), vsize = number(23),
       rss = number(24);
  if (!utime || !stime || !start || !vsize || !rss) return std::nullopt;
  const double ticks = static_cast<double>(ticks_per_second);
  return ProcessStats{
      .cpu_seconds = static_cast<double>(*utime + *stime) / ticks,
      .start_time_seconds = static_cast<double>(boot) + static_cast<double>(*start) / ticks,
      .virtual_bytes = *vsize,
      .resident_bytes = *rss * static_cast<std::uint64_t>(page_bytes),
  };
}

std::vector<pm::MetricFamily> collect_process_metrics() {
  std::vector<pm::MetricFamily> families;
  auto stat = read_file("/proc/self/stat");
  auto boot = boot_time();
  if (stat && boot) {
    if (auto stats =
            parse_proc_stat(*stat, ::sysconf(_SC_CLK_TCK), ::sysconf(_SC_PAGESIZE), *boot)) {
      families.push_back(family("process_cpu_seconds_total",
                                "Total user and system CPU time spent in seconds.",
                                pm::MetricType::Counter, stats->cpu_seconds));
      families.push_back(family("process_virtual_memory_bytes", "Virtual memory size in bytes.",
                                pm::MetricType::Gauge, static_cast<double>(stats->virtual_bytes)));
      families.push_back(family("process_resident_memory_bytes", "Resident memory size in bytes.",
                                pm::MetricType::Gauge, static_cast<double>(stats->resident_bytes)));
      families.push_back(family("process_start_time_seconds",
                                "Start time of the process since unix epoch in seconds.",
                                pm::MetricType::Gauge, stats->start_time_seconds));
    }
  }
  if (auto open = open_descriptors()) {
    families.push_back(family("process_open_fds", "Number of open file descriptors.",
                              pm::MetricType::Gauge, *open));
  }
  rlimit limit{};
  if (::getrlimit(RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur != RLIM_INFINITY) {
    families.push_back(family("process_max_fds", "Maximum number of open file descriptors.",
                              pm::MetricType::Gauge, static_cast<double>(limit.rlim_cur)));
  }
  return families;
}

}  // namespace smlapi::api
