#include "telemetry/span_queue.h"

#include <algorithm>
#include <bit>
#include <cstring>

namespace smlapi::telemetry {

SpanRing::SpanRing(std::size_t capacity)
    : size_(std::bit_ceil(std::max<std::size_t>(capacity, 2))), mask_(size_ - 1) {
  slots_ = std::make_unique<tracing::SpanRecord[]>(size_);
  trace_states_.reset(new char[size_ * tracing::kMaxTraceStateLength]);
}

SpanRing::Pushed SpanRing::push(const tracing::SpanRecord& span) {
  const std::size_t tail = tail_.load(std::memory_order_relaxed);
  const std::size_t used = tail - head_.load(std::memory_order_acquire);
  if (used == size_) return Pushed::full;
  tracing::SpanRecord& slot = slots_[tail & mask_];
  slot = span;
  if (!span.trace_state.empty()) {
    char* copy = trace_states_.get() + (tail & mask_) * tracing::kMaxTraceStateLength;
    const std::size_t length = std::min(span.trace_state.size(), tracing::kMaxTraceStateLength);
    std::memcpy(copy, span.trace_state.data(), length);
    slot.trace_state = {copy, length};
  }
  tail_.store(tail + 1, std::memory_order_release);
  return used + 1 == size_ / 2 ? Pushed::half_full : Pushed::stored;
}

SpanQueue::SpanQueue(unsigned workers, std::size_t capacity) : background_(capacity) {
  for (unsigned i = 0; i < workers; ++i) rings_.push_back(std::make_unique<SpanRing>(capacity));
}

void SpanQueue::submit(unsigned worker, std::span<const tracing::SpanRecord> spans) {
  std::uint64_t lost = 0;
  bool filling = false;
  auto push_all = [&](SpanRing& ring) {
    for (const auto& span : spans) {
      const SpanRing::Pushed pushed = ring.push(span);
      lost += pushed == SpanRing::Pushed::full ? 1 : 0;
      filling = filling || pushed == SpanRing::Pushed::half_full;
    }
  };
  if (worker < rings_.size()) {
    push_all(*rings_[worker]);
  } else {
    std::lock_guard lock(background_mutex_);
    push_all(background_);
  }
  if (lost > 0) dropped_.fetch_add(lost, std::memory_order_relaxed);
  if (filling) filling_.release();
}

}  // namespace smlapi::telemetry
