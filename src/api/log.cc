#include "api/log.h"

#include "common/json_writer.h"

#include <unistd.h>

#include <cerrno>
#include <chrono>

namespace smlapi::api {

namespace {
constexpr std::size_t kFlushThreshold = 32 * 1024;
constexpr std::string_view kTruncationMarker = "\xE2\x80\xA6";  // U+2026 "…"

// The first kMaxLogValueBytes bytes of `value`, moved back to the start of a code point so a
// well-formed character is never split into U+FFFD replacements (at most 3 steps: a UTF-8
// character has at most 3 continuation bytes; longer runs are ill-formed anyway).
std::string_view bounded_prefix(std::string_view value) {
  std::size_t cut = kMaxLogValueBytes;
  const auto is_continuation = [&](std::size_t i) {
    return (static_cast<unsigned char>(value[i]) & 0xC0) == 0x80;
  };
  while (cut > kMaxLogValueBytes - 3 && is_continuation(cut)) --cut;
  return value.substr(0, cut);
}
}  // namespace

namespace {

// Writes `value` (< 10^width) as exactly `width` zero-padded digits at `at`;
// returns the end.
char* put_padded(char* at, unsigned value, int width) {
  for (int i = width - 1; i >= 0; --i) {
    at[i] = static_cast<char>('0' + value % 10);
    value /= 10;
  }
  return at + width;
}

}  // namespace

// Calendar arithmetic into a stack buffer, appended once, instead of
// gmtime_r + snprintf: the same text at a fraction of the cost, which matters
// because every access-log line starts with it.
void append_timestamp(std::string& out, std::chrono::system_clock::time_point at) {
  using namespace std::chrono;
  const auto millis = floor<milliseconds>(at);
  const auto day = floor<days>(millis);
  const year_month_day date{day};
  const hh_mm_ss time{millis - day};
  const int year = static_cast<int>(date.year());
  if (year < 0 || year > 9999) {  // never in practice; keeps the %04d format's meaning
    out.append(std::to_string(year));
  } else {
    char text[4];
    put_padded(text, static_cast<unsigned>(year), 4);
    out.append(text, sizeof text);
  }
  char text[20];  // "-MM-DDTHH:MM:SS.mmmZ"
  char* end = text;
  *end++ = '-';
  end = put_padded(end, static_cast<unsigned>(date.month()), 2);
  *end++ = '-';
  end = put_padded(end, static_cast<unsigned>(date.day()), 2);
  *end++ = 'T';
  end = put_padded(end, static_cast<unsigned>(time.hours().count()), 2);
  *end++ = ':';
  end = put_padded(end, static_cast<unsigned>(time.minutes().count()), 2);
  *end++ = ':';
  end = put_padded(end, static_cast<unsigned>(time.seconds().count()), 2);
  *end++ = '.';
  end = put_padded(end, static_cast<unsigned>(time.subseconds().count()), 3);
  *end++ = 'Z';
  out.append(text, end);
}

void append_timestamp(std::string& out) { append_timestamp(out, std::chrono::system_clock::now()); }

LogLine::LogLine(std::string& out, std::string_view level, std::string_view event) : out_(out) {
  out_.append("{\"ts\":\"");
  append_timestamp(out_);
  out_.append("\",\"level\":");
  json::append_string(out_, level);
  out_.append(",\"event\":");
  json::append_string(out_, event);
}

LogLine& LogLine::str(std::string_view key, std::string_view value) {
  append_key(key);
  if (value.size() <= kMaxLogValueBytes) {
    json::append_string(out_, value);
    return *this;
  }
  // Rare (only oversized values), so a temporary string is fine here.
  std::string kept(bounded_prefix(value));
  kept.append(kTruncationMarker);
  json::append_string(out_, kept);
  return *this;
}

LogLine& LogLine::num(std::string_view key, long long value) {
  append_key(key);
  json::append_integer(out_, value);
  return *this;
}

LogLine& LogLine::dbl(std::string_view key, double value) {
  append_key(key);
  json::append_number(out_, value);
  return *this;
}

void LogLine::append_key(std::string_view key) {
  out_.push_back(',');
  json::append_string(out_, key);
  out_.push_back(':');
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
