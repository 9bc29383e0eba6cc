// The line reader: CRLF, a BOM, a last line without '\n', pieces cut anywhere, long lines.
#include "tabular/line_reader.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace smlapi::tabular {
namespace {

using ::testing::ElementsAre;

class Collector : public LineSink {
 public:
  void on_line(const Line& line) override {
    lines.push_back(line.too_long ? "<too long " + std::to_string(line.number) + ">"
                                  : std::to_string(line.number) + ":" + std::string(line.text));
  }
  std::vector<std::string> lines;
};

std::vector<std::string> read_all(std::string_view input, std::size_t max = 1 << 20) {
  LineReader reader(max);
  Collector sink;
  reader.feed(input, sink);
  reader.finish(sink);
  return sink.lines;
}

TEST(LineReader, LinesCrlfAndLastLineWithoutNewline) {
  EXPECT_THAT(read_all("a\r\nb\n\nc"), ElementsAre("1:a", "2:b", "3:", "4:c"));
  EXPECT_THAT(read_all("a\n"), ElementsAre("1:a"));
  EXPECT_THAT(read_all(""), ElementsAre());
}

TEST(LineReader, ByteOrderMarkIsDropped) {
  EXPECT_THAT(read_all("\xEF\xBB\xBF{\"text\":\"hi\"}\nx\n"),
              ElementsAre("1:{\"text\":\"hi\"}", "2:x"));
  EXPECT_THAT(read_all("\xEF\xBB\n"), ElementsAre("1:\xEF\xBB"));
  EXPECT_THAT(read_all("\xEF\xBB"), ElementsAre("1:\xEF\xBB"));
}

TEST(LineReader, SameLinesWhereverThePiecesAreCut) {
  const std::string input = "\xEF\xBB\xBFone\r\ntwo\n\nthree\r\nfour";
  const auto whole = read_all(input);
  for (std::size_t cut = 0; cut <= input.size(); ++cut) {
    LineReader reader(1 << 20);
    Collector sink;
    reader.feed(input.substr(0, cut), sink);
    reader.feed(input.substr(cut), sink);
    reader.finish(sink);
    EXPECT_EQ(sink.lines, whole) << "cut at " << cut;
  }
  LineReader reader(1 << 20);
  Collector sink;
  for (char c : input) reader.feed(std::string_view(&c, 1), sink);
  reader.finish(sink);
  EXPECT_EQ(sink.lines, whole);
}

TEST(LineReader, LongLineIsReportedOnceAndReadingGoesOn) {
  EXPECT_THAT(read_all("short\n0123456789\nok\n", 5),
              ElementsAre("1:short", "<too long 2>", "3:ok"));
  LineReader reader(5);
  Collector sink;
  reader.feed("ok\n01234", sink);
  reader.feed("56789", sink);
  reader.feed("abc\nend", sink);
  reader.finish(sink);
  EXPECT_THAT(sink.lines, ElementsAre("1:ok", "<too long 2>", "3:end"));
}

TEST(LineReader, MemoryStaysBoundedOnAnEndlessLine) {
  LineReader reader(100);
  Collector sink;
  const std::string piece(7, 'x');
  for (int i = 0; i < 1000; ++i) {
    reader.feed(piece, sink);
    ASSERT_LE(reader.buffered_bytes(), 101u) << "after " << (i + 1) * piece.size() << " bytes";
  }
  reader.feed("\nnext\n", sink);
  EXPECT_THAT(sink.lines, ElementsAre("<too long 1>", "2:next"));
}

}  // namespace
}  // namespace smlapi::tabular
