#include "telemetry/span_queue.h"

#include <bit>

namespace smlapi::telemetry {

SpanRing::SpanRing(std::size_t capacity)
    : slots_(std::bit_ceil(std::max<std::size_t>(capacity, 2))), mask_(slots_.size() - 1) {}

bool SpanRing::push(const tracing::SpanRecord& span) {
  const std::size_t tail = tail_.load(std::memory_order_relaxed);
  if (tail - head_.load(std::memory_order_acquire) == slots_.size()) return false;
  slots_[tail & mask_] = span;
  tail_.store(tail + 1, std::memory_order_release);
  return true;
}

std::size_t SpanRing::pop(std::vector<tracing::SpanRecord>& out, std::size_t max) {
  std::size_t head = head_.load(std::memory_order_relaxed);
  const std::size_t tail = tail_.load(std::memory_order_acquire);
  std::size_t taken = 0;
  while (head != tail && taken < max) {
    out.push_back(slots_[head & mask_]);
    ++head;
    ++taken;
  }
  head_.store(head, std::memory_order_release);
  return taken;
}

SpanQueue::SpanQueue(unsigned workers, std::size_t capacity) : background_(capacity) {
  for (unsigned i = 0; i < workers; ++i) rings_.push_back(std::make_unique<SpanRing>(capacity));
}

void SpanQueue::submit(unsigned worker, std::span<const tracing::SpanRecord> spans) {
  std::uint64_t lost = 0;
  if (worker < rings_.size()) {
    for (const auto& span : spans) lost += rings_[worker]->push(span) ? 0 : 1;
  } else {
    std::lock_guard lock(background_mutex_);
    for (const auto& span : spans) lost += background_.push(span) ? 0 : 1;
  }
  submitted_.fetch_add(spans.size() - lost, std::memory_order_relaxed);
  if (lost > 0) dropped_.fetch_add(lost, std::memory_order_relaxed);
}

std::size_t SpanQueue::drain(std::vector<tracing::SpanRecord>& out, std::size_t max) {
  std::size_t taken = 0;
  for (auto& ring : rings_) {
    if (taken < max) taken += ring->pop(out, max - taken);
  }
  if (taken < max) taken += background_.pop(out, max - taken);
  return taken;
}

}  // namespace smlapi::telemetry
