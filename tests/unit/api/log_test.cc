// LogLine and the log sinks: every line is one valid JSON object, whatever the
// values contain, and lines reach the file descriptor whole.
#include "api/log.h"

#include <gtest/gtest.h>
#include <simdjson.h>

#include <unistd.h>

#include <array>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <limits>
#include <string>

namespace smlapi::api {
namespace {

// Parses one line (without its '\n') as a JSON object.
simdjson::dom::object parse_line(simdjson::dom::parser& parser, std::string_view line) {
  simdjson::dom::object object;
  auto error = parser.parse(line.data(), line.size()).get(object);
  EXPECT_EQ(error, simdjson::SUCCESS) << "not a JSON object: " << line;
  return object;
}

TEST(LogLine, IsOneJsonObjectPerLine) {
  std::string out;
  LogLine(out, "info", "access")
      .str("request_id", "r-1")
      .str("route", "/predict")
      .num("status", 200)
      .dbl("duration_ms", 1.25)
      .num("bytes_in", 17)
      .end();
  ASSERT_FALSE(out.empty());
  EXPECT_EQ(out.back(), '\n');
  EXPECT_EQ(out.find('\n'), out.size() - 1);
  simdjson::dom::parser parser;
  simdjson::dom::object line = parse_line(parser, std::string_view(out).substr(0, out.size() - 1));
  EXPECT_EQ(std::string_view(line["level"]), "info");
  EXPECT_EQ(std::string_view(line["event"]), "access");
  EXPECT_EQ(std::string_view(line["request_id"]), "r-1");
  EXPECT_EQ(std::int64_t(line["status"]), 200);
  EXPECT_EQ(double(line["duration_ms"]), 1.25);
  EXPECT_EQ(std::int64_t(line["bytes_in"]), 17);
}

TEST(LogLine, TimestampIsRfc3339UtcWithMilliseconds) {
  std::string out;
  LogLine(out, "info", "startup").end();
  simdjson::dom::parser parser;
  simdjson::dom::object line = parse_line(parser, std::string_view(out).substr(0, out.size() - 1));
  std::string_view ts = line["ts"];
  ASSERT_EQ(ts.size(), 24u) << ts;  // 2026-11-23T11:47:26.123Z
  EXPECT_EQ(ts[4], '-');
  EXPECT_EQ(ts[10], 'T');
  EXPECT_EQ(ts[19], '.');
  EXPECT_EQ(ts.back(), 'Z');
}

// The text gmtime_r + snprintf gave before the calendar arithmetic replaced them.
std::string reference_timestamp(std::chrono::system_clock::time_point at) {
  using namespace std::chrono;
  const auto since_epoch = duration_cast<milliseconds>(at.time_since_epoch()).count();
  const std::time_t seconds = static_cast<std::time_t>(since_epoch / 1000);
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  char text[64];
  std::snprintf(text, sizeof text, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", utc.tm_year + 1900,
                utc.tm_mon + 1, utc.tm_mday, utc.tm_hour, utc.tm_min, utc.tm_sec,
                static_cast<int>(since_epoch % 1000));
  return text;
}

TEST(Timestamp, MatchesGmtimeAcrossCalendarEdges) {
  using namespace std::chrono;
  const system_clock::time_point cases[] = {
      sys_days{1970y / January / 1},                                // the epoch
      sys_days{2024y / February / 29} + 23h + 59min + 59s + 999ms,  // leap day, last ms
      sys_days{2026y / November / 23} + 11h + 47min + 26s + 123ms,
      sys_days{2026y / December / 31} + 23h + 59min + 59s + 7ms,            // year end
      sys_days{2100y / March / 1} + 5ms,                                    // not a leap year
      sys_days{2026y / November / 23} + 11h + 47min + 26s + 123ms + 999us,  // truncated
  };
  for (const auto& at : cases) {
    std::string out;
    append_timestamp(out, at);
    EXPECT_EQ(out, reference_timestamp(at));
  }
  for (std::int64_t step = 0; step < 2000; ++step) {  // ~every 11 days for 60 years, odd ms
    const auto at = system_clock::time_point{} + milliseconds(step * 987'654'321LL);
    std::string out;
    append_timestamp(out, at);
    ASSERT_EQ(out, reference_timestamp(at));
  }
}

TEST(LogLine, HostileValuesCannotSplitOrBreakTheLine) {
  std::string out;
  LogLine(out, "warn", "auth.rejected")
      .str("client", "1.2.3.4\n{\"level\":\"info\"}")
      .str("reason", "quote\" backslash\\ tab\t nul" + std::string(1, '\0') + " esc\x1b")
      .end();
  EXPECT_EQ(out.find('\n'), out.size() - 1) << "a value added a line break";
  simdjson::dom::parser parser;
  simdjson::dom::object line = parse_line(parser, std::string_view(out).substr(0, out.size() - 1));
  EXPECT_EQ(std::string_view(line["client"]), "1.2.3.4\n{\"level\":\"info\"}");
  EXPECT_EQ(std::string_view(line["level"]), "warn");
}

// One line with `value` under "v": checks it is one valid JSON object (simdjson also validates
// UTF-8) and returns the value as parsed.
std::string logged_value(std::string_view value, std::size_t* line_bytes = nullptr) {
  std::string out;
  LogLine(out, "warn", "token.refused").str("v", value).end();
  EXPECT_EQ(out.find('\n'), out.size() - 1);
  if (line_bytes != nullptr) *line_bytes = out.size();
  simdjson::dom::parser parser;
  simdjson::dom::object line = parse_line(parser, std::string_view(out).substr(0, out.size() - 1));
  return std::string(std::string_view(line["v"]));
}

constexpr std::string_view kReplacement = "\xEF\xBF\xBD";  // U+FFFD
constexpr std::string_view kEllipsis = "\xE2\x80\xA6";     // U+2026

TEST(LogLine, InvalidUtf8BecomesReplacementCharacters) {
  const std::string expected = "ab" + std::string(kReplacement) + std::string(kReplacement) + "(" +
                               std::string(kReplacement) + "\xC3\xA9";
  // A stray byte, a lead byte without continuation, a surrogate's first byte, then valid é.
  EXPECT_EQ(logged_value("ab\xFF\xC3(\xED\xC3\xA9"), expected);
}

TEST(LogLine, EveryControlCharacterIsEscapedAndRoundTrips) {
  std::string controls;
  for (char c = 0; c < 0x20; ++c) controls.push_back(c);
  controls.push_back('\x7F');
  EXPECT_EQ(logged_value(controls), controls);
}

TEST(LogLine, ValueOfExactlyTheBoundIsKeptWhole) {
  const std::string value(kMaxLogValueBytes, 'n');
  EXPECT_EQ(logged_value(value), value);
}

TEST(LogLine, HugeValueIsTruncatedWithAMarker) {
  const std::string value(60 * 1024, 'n');  // an attempted user name of 60 KB
  std::size_t line_bytes = 0;
  EXPECT_EQ(logged_value(value, &line_bytes),
            std::string(kMaxLogValueBytes, 'n') + std::string(kEllipsis));
  EXPECT_LT(line_bytes, kMaxLogValueBytes + 100);
}

TEST(LogLine, HugeHostileValueStaysBoundedAfterEscaping) {
  // Worst case per input byte: a control character (6 bytes: \u001b) or an ill-formed byte (3).
  std::string value;
  for (int i = 0; i < 20 * 1024; ++i) value += "\x1b\xFF\xC3";
  std::size_t line_bytes = 0;
  const std::string logged = logged_value(value, &line_bytes);
  EXPECT_TRUE(logged.ends_with(kEllipsis));
  EXPECT_LT(line_bytes, 6 * kMaxLogValueBytes + 100);
}

TEST(LogLine, TruncationDoesNotSplitACharacter) {
  std::string value = "a";  // then 3-byte characters: the bound falls inside one
  while (value.size() < 2 * kMaxLogValueBytes) value += "\xE2\x82\xAC";  // €
  const std::string logged = logged_value(value);
  EXPECT_EQ(logged.find(kReplacement), std::string::npos) << "a character was cut in two";
  ASSERT_TRUE(logged.ends_with(kEllipsis));
  const std::string kept = logged.substr(0, logged.size() - kEllipsis.size());
  EXPECT_TRUE(value.starts_with(kept));
  EXPECT_GT(kept.size(), kMaxLogValueBytes - 3);
  EXPECT_LE(kept.size(), kMaxLogValueBytes);
}

TEST(LogLine, NonFiniteNumbersStayValidJson) {
  std::string out;
  LogLine(out, "info", "x").dbl("v", std::numeric_limits<double>::infinity()).end();
  simdjson::dom::parser parser;
  parse_line(parser, std::string_view(out).substr(0, out.size() - 1));
}

class Pipe {
 public:
  Pipe() { EXPECT_EQ(::pipe(fds_.data()), 0); }
  ~Pipe() {
    ::close(fds_[0]);
    ::close(fds_[1]);
  }
  int write_end() const { return fds_[1]; }
  std::string read_available() {
    std::string out;
    char chunk[4096];
    ::close(fds_[1]);
    fds_[1] = -1;
    ssize_t n;
    while ((n = ::read(fds_[0], chunk, sizeof chunk)) > 0)
      out.append(chunk, static_cast<std::size_t>(n));
    return out;
  }

 private:
  std::array<int, 2> fds_{-1, -1};
};

TEST(LogSink, LogEventWritesOneValidLine) {
  Pipe pipe;
  LogSink sink(pipe.write_end());
  log_event(sink, "info", "startup", "listening on 127.0.0.1:8000");
  std::string written = pipe.read_available();
  ASSERT_FALSE(written.empty());
  EXPECT_EQ(written.find('\n'), written.size() - 1);
  simdjson::dom::parser parser;
  simdjson::dom::object line =
      parse_line(parser, std::string_view(written).substr(0, written.size() - 1));
  EXPECT_EQ(std::string_view(line["event"]), "startup");
  EXPECT_EQ(std::string_view(line["message"]), "listening on 127.0.0.1:8000");
}

TEST(BufferedLog, HoldsLinesUntilFlushed) {
  Pipe pipe;
  LogSink sink(pipe.write_end());
  {
    BufferedLog log(sink, true);
    EXPECT_TRUE(log.enabled());
    LogLine(log.buffer(), "info", "access").num("status", 200).end();
    log.line_done();  // small: stays buffered
    LogLine(log.buffer(), "info", "access").num("status", 404).end();
    log.line_done();
    EXPECT_FALSE(log.buffer().empty());
    log.flush();
    EXPECT_TRUE(log.buffer().empty());
  }
  std::string written = pipe.read_available();
  simdjson::dom::parser parser;
  std::size_t lines = 0;
  std::string_view rest = written;
  while (!rest.empty()) {
    auto end = rest.find('\n');
    ASSERT_NE(end, std::string_view::npos) << "unterminated line";
    parse_line(parser, rest.substr(0, end));
    rest.remove_prefix(end + 1);
    ++lines;
  }
  EXPECT_EQ(lines, 2u);
}

TEST(BufferedLog, FlushesByItselfOnceLarge) {
  Pipe pipe;
  LogSink sink(pipe.write_end());
  BufferedLog log(sink, true);
  std::string pad(500, 'x');  // under kMaxLogValueBytes: kept whole
  std::size_t appended = 0;
  for (int i = 0; i < 80; ++i) {  // about 45 KiB: one automatic flush, within a pipe's buffer
    std::size_t before = log.buffer().size();
    LogLine(log.buffer(), "info", "access").str("pad", pad).end();
    appended += log.buffer().size() - before;
    log.line_done();
  }
  EXPECT_LT(log.buffer().size(), appended) << "never flushed by itself";
  std::size_t kept = log.buffer().size();
  std::string written = pipe.read_available();
  EXPECT_EQ(written.size() + kept, appended);
  EXPECT_EQ(written.back(), '\n');  // flushed whole lines only
}

TEST(BufferedLog, DisabledReportsItself) {
  LogSink sink(-1);
  BufferedLog log(sink, false);
  EXPECT_FALSE(log.enabled());
}

}  // namespace
}  // namespace smlapi::api
