// Cost of a rate-limit decision: in-process MemoryStore (one and two threads, hot keys and a
// flood of distinct keys) and, when SMLAPI_BENCH_REDIS_PORT names a reachable redis-server on
// 127.0.0.1, the RedisStore round trip.
#include <signal.h>

#include <cstdlib>
#include <memory>
#include <string>
#include <vector>

#include <benchmark/benchmark.h>

#include "ratelimit/memory_store.h"
#include "redis/redis_store.h"

namespace {

using namespace std::chrono_literals;
using smlapi::ratelimit::MemoryStore;
using smlapi::ratelimit::MemoryStoreConfig;
using smlapi::ratelimit::Policy;
using smlapi::ratelimit::SteadyTimeSource;

const Policy kPolicy{"default", 60, 60s, 10};

std::vector<std::string> make_keys(std::size_t count) {
  std::vector<std::string> keys;
  keys.reserve(count);
  for (std::size_t i = 0; i < count; ++i)
    keys.push_back("rl:predict:ip:198.51." + std::to_string(i));
  return keys;
}

MemoryStore& shared_store() {
  static MemoryStore store(MemoryStoreConfig{});
  return store;
}

// 1024 clients cycling: every check finds its key (steady state of a busy server).
void BM_MemoryStoreCheck(benchmark::State& state) {
  static const std::vector<std::string> keys = make_keys(1024);
  MemoryStore& store = shared_store();
  const SteadyTimeSource clock;
  std::size_t i = static_cast<std::size_t>(state.thread_index()) * 512;
  for (auto _ : state) {
    benchmark::DoNotOptimize(store.check(keys[i++ % keys.size()], kPolicy, clock.now()));
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_MemoryStoreCheck)->Threads(1)->Threads(2)->UseRealTime();

// A flood of never-seen keys into a full store: every check evicts.
void BM_MemoryStoreFloodEvicting(benchmark::State& state) {
  MemoryStore store(MemoryStoreConfig{.max_keys = 10'000});
  const SteadyTimeSource clock;
  std::size_t i = 0;
  std::string key;
  for (auto _ : state) {
    key = "rl:flood:" + std::to_string(i++);
    benchmark::DoNotOptimize(store.check(key, kPolicy, clock.now()));
  }
  state.counters["evictions"] = static_cast<double>(store.evictions());
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_MemoryStoreFloodEvicting);

void BM_RedisStoreCheck(benchmark::State& state) {
  const char* port = std::getenv("SMLAPI_BENCH_REDIS_PORT");
  if (port == nullptr) {
    state.SkipWithError("set SMLAPI_BENCH_REDIS_PORT to the port of a redis-server on 127.0.0.1");
    return;
  }
  signal(SIGPIPE, SIG_IGN);
  static const SteadyTimeSource clock;
  smlapi::redis::Config config;
  config.port = static_cast<std::uint16_t>(std::atoi(port));
  config.key_prefix = "smlapi-bench:";
  config.failure_mode = smlapi::redis::FailureMode::fail_closed;
  auto created = smlapi::redis::RedisStore::create(config, clock);
  smlapi::redis::RedisStore* store = created.has_value() ? created->get() : nullptr;
  if (store == nullptr || !store->healthy()) {
    state.SkipWithError("redis-server not reachable");
    return;
  }
  static const std::vector<std::string> keys = make_keys(1024);
  std::size_t i = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(store->check(keys[i++ % keys.size()], kPolicy, clock.now()));
  }
  state.counters["errors"] = static_cast<double>(store->errors());
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_RedisStoreCheck)->UseRealTime();

}  // namespace

BENCHMARK_MAIN();
