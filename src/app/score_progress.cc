#include "app/score_progress.h"

#include <unistd.h>
#include <cstdio>

namespace smlapi::app {

namespace {

void write_stderr(const std::string& text) {
  std::size_t done = 0;
  while (done < text.size()) {
    const ssize_t n = ::write(2, text.data() + done, text.size() - done);
    if (n <= 0) return;  // a progress line is not worth an error
    done += static_cast<std::size_t>(n);
  }
}

std::string duration(double seconds) {
  char text[32];
  const auto total = static_cast<long long>(seconds + 0.5);
  if (total >= 3600) {
    std::snprintf(text, sizeof text, "%lldh%02lldm", total / 3600, total % 3600 / 60);
  } else {
    std::snprintf(text, sizeof text, "%lldm%02llds", total / 60, total % 60);
  }
  return text;
}

}  // namespace

ProgressLine::ProgressLine(bool enabled, std::uint64_t total_bytes)
    : enabled_(enabled && ::isatty(2) == 1), total_bytes_(total_bytes) {}

void ProgressLine::update(std::uint64_t rows, std::uint64_t bytes_done) {
  if (!enabled_) return;
  const auto now = Clock::now();
  if (now - last_ < std::chrono::milliseconds(250)) return;
  last_ = now;
  const double seconds = std::chrono::duration<double>(now - start_).count();
  char text[160];
  int length = std::snprintf(text, sizeof text, "\r%llu rows, %.0f rows/s",
                             static_cast<unsigned long long>(rows), rows / seconds);
  std::string line(text, static_cast<std::size_t>(length));
  if (total_bytes_ > 0 && bytes_done > 0) {
    const double share = static_cast<double>(bytes_done) / static_cast<double>(total_bytes_);
    const double left = share < 1 ? seconds / share - seconds : 0;
    length =
        std::snprintf(text, sizeof text, ", %.0f%%, ETA %s", share * 100, duration(left).c_str());
    line.append(text, static_cast<std::size_t>(length));
  }
  line.append("\x1b[K");  // erase what a longer previous line left
  write_stderr(line);
  shown_ = true;
}

void ProgressLine::clear() {
  if (!shown_) return;
  write_stderr("\r\x1b[K");
  shown_ = false;
}

}  // namespace smlapi::app
