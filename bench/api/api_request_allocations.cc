// Heap allocations per steady-state request, per scenario: the same in-process
// request path as api_request_instructions, with the C allocator itself
// counted. Counting malloc (rather than only operator new) also catches C
// libraries on the path (OpenSSL, snprintf's buffers, hiredis); libstdc++'s
// operator new goes through malloc, so C++ allocations are counted too.
//
//   api_request_allocations [SCENARIO...]   (default: every scenario; see --list)
//   api_request_allocations --wire SCENARIO  (the answer's bytes after warm-up,
//                                             to compare two builds byte for byte)
// Environment: ALLOC_ITERATIONS=1000 (batch scenarios run a tenth of it).
//
// The counters live in this binary only; a sanitizer build replaces malloc
// itself, so this program is built only without sanitizers (bench/ never has them).
#include "scenarios.h"

#include <algorithm>
#include <cstddef>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <string>
#include <vector>

// glibc's own allocator entry points, which the interposed functions below forward to.
extern "C" {
void* __libc_malloc(std::size_t size) noexcept;
void* __libc_calloc(std::size_t count, std::size_t size) noexcept;
void* __libc_realloc(void* pointer, std::size_t size) noexcept;
void* __libc_memalign(std::size_t alignment, std::size_t size) noexcept;
void __libc_free(void* pointer) noexcept;
}

namespace {

// Plain globals, not atomics: only counted while the single benchmark thread
// runs requests (nothing else in the process allocates concurrently then).
bool g_counting = false;
std::size_t g_allocations = 0;
std::size_t g_bytes = 0;

void note(std::size_t size) {
  if (!g_counting) return;
  ++g_allocations;
  g_bytes += size;
}

}  // namespace

extern "C" {

void* malloc(std::size_t size) noexcept {
  note(size);
  return __libc_malloc(size);
}

void* calloc(std::size_t count, std::size_t size) noexcept {
  note(count * size);
  return __libc_calloc(count, size);
}

void* realloc(void* pointer, std::size_t size) noexcept {
  note(size);
  return __libc_realloc(pointer, size);
}

void* aligned_alloc(std::size_t alignment, std::size_t size) noexcept {
  note(size);
  return __libc_memalign(alignment, size);
}

void* memalign(std::size_t alignment, std::size_t size) noexcept {
  note(size);
  return __libc_memalign(alignment, size);
}

int posix_memalign(void** out, std::size_t alignment, std::size_t size) noexcept {
  note(size);
  void* pointer = __libc_memalign(alignment, size);
  if (pointer == nullptr) return 12;  // ENOMEM
  *out = pointer;
  return 0;
}

void free(void* pointer) noexcept { __libc_free(pointer); }

}  // extern "C"

namespace smlapi::bench {
namespace {

struct Count {
  long requests = 0;
  std::size_t allocations = 0;
  std::size_t bytes = 0;
};

// Warms every reused buffer to its steady size, then counts `iterations` requests.
bool count_scenario(const Scenario& scenario, long iterations, Count& count) {
  InProcessApi api(scenario.options);
  const std::string raw = raw_request(scenario, api);
  constexpr long kWarmUp = 200;  // as api_request_instructions
  for (long i = 0; i < kWarmUp; ++i) {
    if (api.handle(raw) != 200) return false;
  }
  unsigned failures = 0;
  g_allocations = 0;
  g_bytes = 0;
  g_counting = true;
  for (long i = 0; i < iterations; ++i) failures += api.handle(raw) != 200 ? 1U : 0U;
  g_counting = false;
  count = Count{iterations, g_allocations, g_bytes};
  return failures == 0;
}

}  // namespace
}  // namespace smlapi::bench

int main(int argc, char** argv) {
  using namespace smlapi::bench;
  if (argc == 2 && std::string(argv[1]) == "--list") {
    for (const Scenario& scenario : kScenarios) std::cout << scenario.name << '\n';
    return 0;
  }
  if (argc == 3 && std::string(argv[1]) == "--wire") {
    auto scenario = find_scenario(argv[2]);
    if (!scenario) return 2;
    InProcessApi api(scenario->options);
    const std::string raw = raw_request(*scenario, api);
    for (int i = 0; i < 3; ++i) api.handle(raw);
    std::cout << api.wire();
    return 0;
  }
  std::vector<Scenario> chosen;
  for (int i = 1; i < argc; ++i) {
    auto scenario = find_scenario(argv[i]);
    if (!scenario) {
      std::cerr << "api_request_allocations: unknown scenario " << argv[i] << '\n';
      return 2;
    }
    chosen.push_back(*scenario);
  }
  if (chosen.empty()) chosen.assign(kScenarios.begin(), kScenarios.end());
  const char* env = std::getenv("ALLOC_ITERATIONS");
  const long iterations = env != nullptr && std::atol(env) > 0 ? std::atol(env) : 1000;

  std::printf("%-20s %10s %12s %20s %14s\n", "scenario", "requests", "allocations",
              "allocations/request", "bytes/request");
  int status = 0;
  for (const Scenario& scenario : chosen) {
    long n = scenario.kind == Scenario::Kind::batch ? std::max(iterations / 10, 1L) : iterations;
    Count count;
    if (!count_scenario(scenario, n, count)) {
      std::fprintf(stderr, "api_request_allocations: %.*s is not answered with 200\n",
                   static_cast<int>(scenario.name.size()), scenario.name.data());
      status = 1;
      continue;
    }
    std::printf("%-20.*s %10ld %12zu %20.2f %14.1f\n", static_cast<int>(scenario.name.size()),
                scenario.name.data(), count.requests, count.allocations,
                static_cast<double>(count.allocations) / static_cast<double>(count.requests),
                static_cast<double>(count.bytes) / static_cast<double>(count.requests));
  }
  return status;
}
