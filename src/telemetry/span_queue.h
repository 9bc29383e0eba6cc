// The bounded queue between the workers and the exporter thread: one single-producer ring per
// worker (a worker's push is two atomic loads, one copy of the compact record and a release
// store; never a lock, never a wait) and one ring behind a mutex for the rare spans finished on
// other threads (the hashing pool). A full ring drops the span and counts it: the request path
// never waits for the exporter. The exporter reads the spans where they are (drain's visitor
// encodes them) and frees their slots afterwards: each span is copied once, into the ring.
#pragma once

#include "tracing/request_trace.h"
#include "tracing/span.h"
#include "tracing/trace_state.h"

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <semaphore>
#include <span>
#include <vector>

namespace smlapi::telemetry {

// Single producer, single consumer; capacity a power of two.
class SpanRing {
 public:
  explicit SpanRing(std::size_t capacity);
  enum class Pushed : std::uint8_t {
    stored,
    half_full,
    full
  };                                             // half_full: stored, and the
                                                 // ring just reached half
  Pushed push(const tracing::SpanRecord& span);  // producer
  // Consumer: calls visit(span) on up to `max` spans, oldest first, then frees their slots;
  // returns how many. A span's trace_state points into the ring until then.
  template <class Visit>
  std::size_t consume(std::size_t max, Visit&& visit);

 private:
  std::unique_ptr<tracing::SpanRecord[]> slots_;
  // A tracestate's copy per slot, written only for spans that have one: the pages of a ring
  // whose requests carry none are never touched (new char[] leaves them unallocated).
  std::unique_ptr<char[]> trace_states_;
  std::size_t size_;
  std::size_t mask_;
  alignas(64) std::atomic<std::size_t> head_{0};  // next to read (consumer)
  alignas(64) std::atomic<std::size_t> tail_{0};  // next to write (producer)
};

class SpanQueue final : public tracing::SpanSink {
 public:
  // `capacity` spans per worker (rounded up to a power of two) and as many for other threads.
  SpanQueue(unsigned workers, std::size_t capacity);
  void submit(unsigned worker, std::span<const tracing::SpanRecord> spans) override;
  // Exporter: waits until a ring is half full, wake() is called or `timeout` passes (a
  // semaphore: the workers' side never takes a lock); false: the timeout passed.
  template <class Rep, class Period>
  bool wait_for_spans(std::chrono::duration<Rep, Period> timeout) {
    return filling_.try_acquire_for(timeout);
  }
  void wake() { filling_.release(); }
  // Exporter: calls visit(span) on up to `max` queued spans; returns how many.
  template <class Visit>
  std::size_t drain(std::size_t max, Visit&& visit);
  std::uint64_t dropped() const { return dropped_.load(std::memory_order_relaxed); }

 private:
  std::vector<std::unique_ptr<SpanRing>> rings_;  // by worker
  SpanRing background_;
  std::mutex background_mutex_;            // one producer at a time on background_
  std::atomic<std::uint64_t> dropped_{0};  // written only on a drop: no shared line per span
  // Released when a ring reaches half full (once per fill), so a burst is drained before the
  // poll interval ends instead of overflowing.
  std::counting_semaphore<> filling_{0};
};

template <class Visit>
std::size_t SpanRing::consume(std::size_t max, Visit&& visit) {
  std::size_t head = head_.load(std::memory_order_relaxed);
  const std::size_t tail = tail_.load(std::memory_order_acquire);
  std::size_t taken = 0;
  while (head != tail && taken < max) {
    visit(static_cast<const tracing::SpanRecord&>(slots_[head & mask_]));
    ++head;
    ++taken;
  }
  head_.store(head, std::memory_order_release);
  return taken;
}

template <class Visit>
std::size_t SpanQueue::drain(std::size_t max, Visit&& visit) {
  std::size_t taken = 0;
  for (auto& ring : rings_) {
    if (taken < max) taken += ring->consume(max - taken, visit);
  }
  if (taken < max) taken += background_.consume(max - taken, visit);
  return taken;
}

}  // namespace smlapi::telemetry
