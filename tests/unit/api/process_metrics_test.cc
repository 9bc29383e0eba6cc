#include "api/process_metrics.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>

namespace smlapi::api {
namespace {

// A real line's shape (proc(5)), with a command name holding a space and a parenthesis.
constexpr std::string_view kStat =
    "4242 (secure ml) api) S 1 4242 4242 0 -1 4194560 1523 0 0 0 250 125 0 0 20 0 3 0 "
    "1000 104857600 2560 18446744073709551615 1 1 0 0 0 0 0 4096 16386 0 0 0 17 1 0 0 0 0 0\n";

TEST(ProcessMetrics, ProcStatFieldsAreCountedFromTheLastParenthesis) {
  auto stats = parse_proc_stat(kStat, 100, 4096, 1'700'000'000);
  ASSERT_TRUE(stats.has_value());
  EXPECT_DOUBLE_EQ(stats->cpu_seconds, 3.75);  // (250 + 125) ticks / 100
  EXPECT_DOUBLE_EQ(stats->start_time_seconds, 1'700'000'010.0);
  EXPECT_EQ(stats->virtual_bytes, 104'857'600u);
  EXPECT_EQ(stats->resident_bytes, 2560u * 4096u);
}

TEST(ProcessMetrics, TruncatedOrGarbledLineIsRefused) {
  EXPECT_FALSE(parse_proc_stat("4242 (api) S 1 2 3", 100, 4096, 0).has_value());
  EXPECT_FALSE(parse_proc_stat("no parenthesis at all", 100, 4096, 0).has_value());
  std::string garbled(kStat);
  garbled.replace(garbled.find(" 250 "), 5, " 2x0 ");
  EXPECT_FALSE(parse_proc_stat(garbled, 100, 4096, 0).has_value());
  EXPECT_FALSE(parse_proc_stat(kStat, 0, 4096, 0).has_value());
}

TEST(ProcessMetrics, ThisProcessReportsEveryFamily) {
  auto families = collect_process_metrics();
  for (const char* name : {"process_cpu_seconds_total", "process_open_fds", "process_max_fds",
                           "process_virtual_memory_bytes", "process_resident_memory_bytes",
                           "process_start_time_seconds"}) {
    EXPECT_TRUE(std::any_of(families.begin(), families.end(), [&](const auto& family) {
      return family.name == name;
    })) << name;
  }
}

}  // namespace
}  // namespace smlapi::api
