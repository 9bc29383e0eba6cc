#include "api/log.h"

#include "api/json_writer.h"

#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <ctime>

namespace smlapi::api {

namespace {
constexpr std::size_t kFlushThreshold = 32 * 1024;
}

void append_timestamp(std::string& out) {
  auto now = std::chrono::system_clock::now();
  auto seconds = std::chrono::system_clock::to_time_t(now);
  auto millis =
      std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count() % 1000;
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  char text[64];  // ample for any int fields, so no truncation is possible
  std::snprintf(text, sizeof text, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", utc.tm_year + 1900,
                utc.tm_mon + 1, utc.tm_mday, utc.tm_hour, utc.tm_min, utc.tm_sec,
                static_cast<int>(millis));
  out.append(text);
}

LogLine::LogLine(std::string& out, std::string_view level, std::string_view event) : out_(out) {
  out_.append("{\"ts\":\"");
  append_timestamp(out_);
  out_.append("\",\"level\":");
  json::append_string(out_, level);
  out_.append(",\"event\":");
  json::append_string(out_, event);
}

LogLine& LogLine::str(std::string_view key, std::string_view value) {
  out_.push_back(',');
  json::append_string(out_, key);
  out_.push_back(':');
  json::append_string(out_, value);
  return *this;
}

LogLine& LogLine::num(std::string_view key, long long value) {
  out_.push_back(',');
  json::append_string(out_, key);
  out_.push_back(':');
  json::append_integer(out_, value);
  return *this;
}

LogLine& LogLine::dbl(std::string_view key, double value) {
  out_.push_back(',');
  json::append_string(out_, key);
  out_.push_back(':');
  json::append_number(out_, value);
  return *this;
}

void LogLine::end() { out_.append("}\n"); }

void LogSink::write(std::string_view lines) {
  std::lock_guard lock(mutex_);
  while (!lines.empty()) {
    ssize_t written = ::write(fd_, lines.data(), lines.size());
    if (written < 0) {
      if (errno == EINTR) continue;
      return;  // stdout gone: logging must never take the service down
    }
    lines.remove_prefix(static_cast<std::size_t>(written));
  }
}

void BufferedLog::line_done() {
  if (buffer_.size() >= kFlushThreshold) flush();
}

void BufferedLog::flush() {
  if (buffer_.empty()) return;
  sink_.write(buffer_);
  buffer_.clear();
}

void log_event(LogSink& sink, std::string_view level, std::string_view event,
               std::string_view message) {
  std::string line;
  LogLine(line, level, event).str("message", message).end();
  sink.write(line);
}

}  // namespace smlapi::api
