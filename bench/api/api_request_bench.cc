// Wall-clock cost of one request through the real service, in process (no
// sockets): parse -> route -> rate limit -> bearer token -> score -> metrics ->
// serialise. For numbers that noise does not move, see callgrind.sh.
#include "scenarios.h"

#include <benchmark/benchmark.h>

#include <stdexcept>

namespace {

using smlapi::bench::InProcessApi;
using smlapi::bench::Scenario;

void BM_Request(benchmark::State& state, Scenario scenario) {
  InProcessApi api(scenario.options);
  const std::string raw = smlapi::bench::raw_request(scenario, api);
  if (api.handle(raw) != 200) {
    state.SkipWithError("the request is not answered with 200");
    return;
  }
  for (auto _ : state) {
    benchmark::DoNotOptimize(api.handle(raw));
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()) *
                          static_cast<std::int64_t>(scenario.texts));
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations()) *
                          static_cast<std::int64_t>(raw.size() + api.wire().size()));
}

const bool kRegistered = [] {
  for (const Scenario& scenario : smlapi::bench::kScenarios) {
    benchmark::RegisterBenchmark(std::string(scenario.name).c_str(), BM_Request, scenario);
  }
  return true;
}();

}  // namespace

BENCHMARK_MAIN();
