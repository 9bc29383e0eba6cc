// Runs one scenario a fixed number of times for callgrind.sh, which collects
// only inside run_requests() (--toggle-collect), so start-up and warm-up
// (key generation, first-use allocations) are not counted and the figure is
// instructions per steady-state request.
//
//   api_request_instructions SCENARIO ITERATIONS   (SCENARIO: see --list)
#include "scenarios.h"

#include <cstdlib>
#include <iostream>
#include <string>

namespace smlapi::bench {

// Not inlined: callgrind toggles collection on entry and exit of this symbol.
[[gnu::noinline]] unsigned run_requests(InProcessApi& api, const std::string& raw,
                                        long iterations) {
  unsigned failures = 0;
  for (long i = 0; i < iterations; ++i) {
    if (api.handle(raw) != 200) ++failures;
  }
  return failures;
}

}  // namespace smlapi::bench

int main(int argc, char** argv) {
  using namespace smlapi::bench;
  if (argc == 2 && std::string(argv[1]) == "--list") {
    for (const Scenario& scenario : kScenarios) std::cout << scenario.name << '\n';
    return 0;
  }
  if (argc != 3) {
    std::cerr << "usage: api_request_instructions SCENARIO ITERATIONS | --list\n";
    return 2;
  }
  auto scenario = find_scenario(argv[1]);
  long iterations = std::atol(argv[2]);
  if (!scenario || iterations <= 0) {
    std::cerr << "api_request_instructions: unknown scenario or bad iteration count\n";
    return 2;
  }
  InProcessApi api(scenario->options);
  const std::string raw = raw_request(*scenario, api);
  constexpr long kWarmUp = 200;  // grows every reused buffer to its steady size
  for (long i = 0; i < kWarmUp; ++i) {
    if (api.handle(raw) != 200) {
      std::cerr << "api_request_instructions: " << scenario->name << " is not answered with 200\n"
                << api.wire() << '\n';
      return 1;
    }
  }
  unsigned failures = run_requests(api, raw, iterations);
  std::cout << scenario->name << ": " << iterations << " requests, " << scenario->texts
            << " texts each, " << failures << " failures, " << raw.size() << " bytes in, "
            << api.wire().size() << " bytes out\n";
  return failures == 0 ? 0 : 1;
}
