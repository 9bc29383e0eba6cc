#include "telemetry/span_queue.h"

#include <algorithm>
#include <bit>
#include <cstring>

namespace smlapi::telemetry {

SpanRing::SpanRing(std::size_t capacity)
    : size_(std::bit_ceil(std::max<std::size_t>(capacity, 2))), mask_(size_ - 1) {
  slots_ = std::make_unique<tracing::RequestSpans[]>(size_);
  trace_states_.reset(new char[size_ * tracing::kMaxTraceStateLength]);
}

SpanRing::Pushed SpanRing::push(const tracing::RequestTrace& trace,
                                const tracing::ServerSpanFacts& facts, std::int64_t end_nanos) {
  const std::size_t tail = tail_.load(std::memory_order_relaxed);
  const std::size_t used = tail - head_.load(std::memory_order_acquire);
  if (used == size_) return Pushed::full;
  tracing::RequestSpans& slot = slots_[tail & mask_];
  slot.fill(trace, facts, end_nanos);
  slot.trace_state = {};
  if (trace.trace_state_length > 0) {
    char* copy = trace_states_.get() + (tail & mask_) * tracing::kMaxTraceStateLength;
    std::memcpy(copy, trace.trace_state.data(), trace.trace_state_length);
    slot.trace_state = {copy, trace.trace_state_length};
  }
  tail_.store(tail + 1, std::memory_order_release);
  return used + 1 == size_ / 2 ? Pushed::half_full : Pushed::stored;
}

SpanQueue::SpanQueue(unsigned workers, std::size_t capacity) : background_(capacity) {
  for (unsigned i = 0; i < workers; ++i) rings_.push_back(std::make_unique<SpanRing>(capacity));
}

void SpanQueue::submit(unsigned worker, const tracing::RequestTrace& trace,
                       const tracing::ServerSpanFacts& facts, std::int64_t end_nanos) {
  if (worker < rings_.size()) return pushed(rings_[worker]->push(trace, facts, end_nanos), trace);
  std::unique_lock lock(background_mutex_);
  const SpanRing::Pushed outcome = background_.push(trace, facts, end_nanos);
  lock.unlock();
  pushed(outcome, trace);
}

}  // namespace smlapi::telemetry
