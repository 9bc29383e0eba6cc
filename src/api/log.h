// Structured JSON logs on stdout, one object per line. Access logs are
// formatted into a per-worker buffer and written in batches (on a size
// threshold or the worker's tick) so logging costs no syscall per request.
// Nothing secret is ever passed here: no tokens, passwords or bodies.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <mutex>
#include <string>
#include <string_view>

namespace smlapi::api {

// A string value longer than this is cut (on a code-point boundary) and ends with "…" (U+2026).
// Values include what clients send (attempted user names, client ids, request ids): no caller
// can make a line larger than its fields' bounds, whatever it passes.
inline constexpr std::size_t kMaxLogValueBytes = 512;

// Builds one JSON log object. Every string is valid JSON and valid UTF-8 whatever the caller
// passes: ill-formed UTF-8 becomes U+FFFD and control characters are escaped (json::append_string).
class LogLine {
 public:
  LogLine(std::string& out, std::string_view level, std::string_view event);
  // `value` is bounded by kMaxLogValueBytes (input bytes, before escaping).
  LogLine& str(std::string_view key, std::string_view value);
  LogLine& num(std::string_view key, long long value);
  LogLine& dbl(std::string_view key, double value);
  void end();  // closes the object and adds '\n'

 private:
  void append_key(std::string_view key);  // ,"key":

  std::string& out_;
};

// Appends the current UTC time as RFC 3339 with milliseconds.
void append_timestamp(std::string& out);
// The same for a given time, e.g. 2026-11-23T11:47:26.123Z.
void append_timestamp(std::string& out, std::chrono::system_clock::time_point at);

class LogSink {
 public:
  explicit LogSink(int fd = 1) : fd_(fd) {}
  // Writes whole lines atomically with respect to other writers.
  void write(std::string_view lines);

 private:
  int fd_;
  std::mutex mutex_;
};

// A worker's buffer of access-log lines.
class BufferedLog {
 public:
  explicit BufferedLog(LogSink& sink, bool enabled) : sink_(sink), enabled_(enabled) {}
  bool enabled() const { return enabled_; }
  std::string& buffer() { return buffer_; }
  void line_done();  // flushes when the buffer is large
  void flush();

 private:
  LogSink& sink_;
  bool enabled_;
  std::string buffer_;
};

// Immediate, for lifecycle and audit events (rare).
void log_event(LogSink& sink, std::string_view level, std::string_view event,
               std::string_view message);

}  // namespace smlapi::api
