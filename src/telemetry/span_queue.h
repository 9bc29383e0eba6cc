// The bounded queue between the workers and the exporter thread: one single-producer ring per
// worker (a worker's push is two atomic loads, a copy and a release store; never a lock, never a
// wait) and one ring behind a mutex for the rare spans finished on other threads (the hashing
// pool). A full ring drops the span and counts it: the request path never waits for the exporter.
#pragma once

#include "tracing/request_trace.h"
#include "tracing/span.h"

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <span>
#include <vector>

namespace smlapi::telemetry {

// Single producer, single consumer; capacity a power of two.
class SpanRing {
 public:
  explicit SpanRing(std::size_t capacity);
  bool push(const tracing::SpanRecord& span);  // producer; false when full
  // Consumer: appends up to `max` spans to `out`; returns how many.
  std::size_t pop(std::vector<tracing::SpanRecord>& out, std::size_t max);

 private:
  std::vector<tracing::SpanRecord> slots_;
  std::size_t mask_;
  alignas(64) std::atomic<std::size_t> head_{0};  // next to read (consumer)
  alignas(64) std::atomic<std::size_t> tail_{0};  // next to write (producer)
};

class SpanQueue final : public tracing::SpanSink {
 public:
  // `capacity` spans per worker (rounded up to a power of two) and as many for other threads.
  SpanQueue(unsigned workers, std::size_t capacity);
  void submit(unsigned worker, std::span<const tracing::SpanRecord> spans) override;
  // Exporter: moves up to `max` spans into `out` (appended); returns how many.
  std::size_t drain(std::vector<tracing::SpanRecord>& out, std::size_t max);
  std::uint64_t dropped() const { return dropped_.load(std::memory_order_relaxed); }
  std::uint64_t submitted() const { return submitted_.load(std::memory_order_relaxed); }

 private:
  std::vector<std::unique_ptr<SpanRing>> rings_;  // by worker
  SpanRing background_;
  std::mutex background_mutex_;  // one producer at a time on background_
  std::atomic<std::uint64_t> dropped_{0};
  std::atomic<std::uint64_t> submitted_{0};
};

}  // namespace smlapi::telemetry
