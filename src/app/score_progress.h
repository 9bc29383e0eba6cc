// `score`'s progress line on standard error: rows, rows/s and, when the input's size is known,
// the share read and the time left. Only when standard error is a terminal (a log file or a
// pipe gets nothing), rewritten in place at most four times a second.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

namespace smlapi::app {

class ProgressLine {
 public:
  // total_bytes 0: unknown (standard input from a pipe).
  ProgressLine(bool enabled, std::uint64_t total_bytes);

  // bytes_done: input bytes behind the rows written so far.
  void update(std::uint64_t rows, std::uint64_t bytes_done);
  // Before another message on standard error, and at the end.
  void clear();

 private:
  using Clock = std::chrono::steady_clock;
  bool enabled_;
  bool shown_ = false;
  std::uint64_t total_bytes_;
  Clock::time_point start_ = Clock::now();
  Clock::time_point last_ = start_;
};

}  // namespace smlapi::app
