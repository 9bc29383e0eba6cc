// The bounded queue between the workers and the exporter thread: one single-producer ring per
// worker (a worker's push is two atomic loads, filling one slot in place and a release store;
// never a lock, never a wait) and one ring behind a mutex for the rare requests finished on
// other threads (the hashing pool). A slot holds a whole request (RequestSpans: its server span
// and children). A full ring drops the request and counts its spans: the request path never
// waits for the exporter. The exporter reads the records where they are (drain's visitor
// encodes them) and frees their slots afterwards: nothing is copied twice.
#pragma once

#include "tracing/request_spans.h"
#include "tracing/request_trace.h"
#include "tracing/trace_state.h"

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <semaphore>
#include <vector>

namespace smlapi::telemetry {

// Single producer, single consumer; capacity (requests) a power of two.
class SpanRing {
 public:
  explicit SpanRing(std::size_t capacity);
  // stored, and the ring just reached half: half_full.
  enum class Pushed : std::uint8_t { stored, half_full, full };
  // Producer.
  Pushed push(const tracing::RequestTrace& trace, const tracing::ServerSpanFacts& facts,
              std::int64_t end_nanos);
  // Consumer: calls visit(record) on up to `max` records, oldest first, then frees their slots;
  // returns how many. A record's trace_state points into the ring until then.
  template <class Visit>
  std::size_t consume(std::size_t max, Visit&& visit);

 private:
  std::unique_ptr<tracing::RequestSpans[]> slots_;
  // A tracestate's copy per slot, written only for requests that have one: the pages of a ring
  // whose requests carry none are never touched (new char[] leaves them unallocated).
  std::unique_ptr<char[]> trace_states_;
  std::size_t size_;
  std::size_t mask_;
  alignas(64) std::atomic<std::size_t> head_{0};  // next to read (consumer)
  alignas(64) std::atomic<std::size_t> tail_{0};  // next to write (producer)
};

class SpanQueue final : public tracing::SpanSink {
 public:
  // `capacity` requests per worker (rounded up to a power of two) and as many for other threads.
  SpanQueue(unsigned workers, std::size_t capacity);
  void submit(unsigned worker, const tracing::RequestTrace& trace,
              const tracing::ServerSpanFacts& facts, std::int64_t end_nanos) override;
  // Exporter: waits until a ring is half full, wake() is called or `timeout` passes (a
  // semaphore: the workers' side never takes a lock); false: the timeout passed.
  template <class Rep, class Period>
  bool wait_for_spans(std::chrono::duration<Rep, Period> timeout) {
    return filling_.try_acquire_for(timeout);
  }
  void wake() { filling_.release(); }
  // Exporter: calls visit(record) on up to `max` queued requests; returns how many.
  template <class Visit>
  std::size_t drain(std::size_t max, Visit&& visit);
  std::uint64_t dropped() const { return dropped_.load(std::memory_order_relaxed); }  // spans

 private:
  void pushed(SpanRing::Pushed outcome, const tracing::RequestTrace& trace) {
    if (outcome == SpanRing::Pushed::stored) return;
    if (outcome == SpanRing::Pushed::full) {
      dropped_.fetch_add(1u + trace.child_count, std::memory_order_relaxed);
    } else {
      filling_.release();  // half full
    }
  }

  std::vector<std::unique_ptr<SpanRing>> rings_;  // by worker
  SpanRing background_;
  std::mutex background_mutex_;            // one producer at a time on background_
  std::atomic<std::uint64_t> dropped_{0};  // written only on a drop: no shared line per request
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
    visit(static_cast<const tracing::RequestSpans&>(slots_[head & mask_]));
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
