#include "app/score_chunk.h"

namespace smlapi::app {

namespace {
// A chunk whose buffers grew far beyond the usual (one huge row) gives the memory back.
constexpr std::size_t kKeepCapacityBytes = std::size_t{4} << 20;
}  // namespace

void Chunk::clear() {
  arena.clear();
  fields.clear();
  rows.clear();
  output.clear();
  failures.clear();
  columns.reset();
  input_bytes = 0;
  output_before_failure = 0;
  if (arena.capacity() > kKeepCapacityBytes) arena.shrink_to_fit();
  if (output.capacity() > kKeepCapacityBytes) output.shrink_to_fit();
}

ChunkQueue::ChunkQueue(std::size_t pool_size) {
  for (std::size_t i = 0; i < pool_size; ++i) free_.push_back(std::make_unique<Chunk>());
}

std::unique_ptr<Chunk> ChunkQueue::acquire() {
  std::unique_lock lock(mutex_);
  free_changed_.wait(lock, [&] { return stopped_ || !free_.empty(); });
  if (stopped_) return nullptr;
  auto chunk = std::move(free_.back());
  free_.pop_back();
  return chunk;
}

void ChunkQueue::submit(std::unique_ptr<Chunk> chunk) {
  {
    std::lock_guard lock(mutex_);
    chunk->sequence = submitted_++;
    work_.push_back(std::move(chunk));
  }
  work_changed_.notify_one();
}

void ChunkQueue::close_input() {
  {
    std::lock_guard lock(mutex_);
    input_closed_ = true;
  }
  work_changed_.notify_all();
  done_changed_.notify_all();
}

std::unique_ptr<Chunk> ChunkQueue::take_work() {
  std::unique_lock lock(mutex_);
  work_changed_.wait(lock, [&] { return stopped_ || input_closed_ || !work_.empty(); });
  if (stopped_ || work_.empty()) return nullptr;
  auto chunk = std::move(work_.front());
  work_.pop_front();
  return chunk;
}

void ChunkQueue::complete(std::unique_ptr<Chunk> chunk) {
  {
    std::lock_guard lock(mutex_);
    const std::uint64_t sequence = chunk->sequence;
    done_.emplace(sequence, std::move(chunk));
  }
  done_changed_.notify_one();
}

bool ChunkQueue::next_in_order(std::unique_ptr<Chunk>& chunk, std::chrono::milliseconds timeout) {
  std::unique_lock lock(mutex_);
  const auto ready = [&] {
    return stopped_ || done_.contains(written_) || (input_closed_ && written_ == submitted_);
  };
  if (!done_changed_.wait_for(lock, timeout, ready)) return true;  // timed out
  if (stopped_) return false;
  auto found = done_.find(written_);
  if (found == done_.end()) return false;  // all written
  chunk = std::move(found->second);
  done_.erase(found);
  ++written_;
  return true;
}

void ChunkQueue::release(std::unique_ptr<Chunk> chunk) {
  chunk->clear();
  {
    std::lock_guard lock(mutex_);
    free_.push_back(std::move(chunk));
  }
  free_changed_.notify_one();
}

void ChunkQueue::stop() {
  {
    std::lock_guard lock(mutex_);
    stopped_ = true;
  }
  free_changed_.notify_all();
  work_changed_.notify_all();
  done_changed_.notify_all();
}

bool ChunkQueue::stopped() const {
  std::lock_guard lock(mutex_);
  return stopped_;
}

}  // namespace smlapi::app
