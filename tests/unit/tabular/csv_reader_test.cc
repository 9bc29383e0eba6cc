// The CSV/TSV reader on the cases that break naive readers: quoted newlines, doubled quotes,
// CRLF, a BOM, and inputs cut into pieces at every possible byte.
#include "tabular/csv_reader.h"
#include "tabular/columns.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <vector>

namespace smlapi::tabular {
namespace {

using ::testing::ElementsAre;

struct Collected {
  std::vector<std::string> fields;
  std::uint64_t line = 0;
  std::optional<RowError> error;
  bool operator==(const Collected&) const = default;
};

std::ostream& operator<<(std::ostream& out, const Collected& r) {
  out << "{line " << r.line << ", error " << (r.error ? to_string(*r.error) : "none") << ",";
  for (const auto& f : r.fields) out << " [" << f << "]";
  return out << "}";
}

class Collector : public CsvSink {
 public:
  void on_record(const CsvRecord& record) override {
    records.push_back({{record.fields.begin(), record.fields.end()}, record.line, record.error});
  }
  std::vector<Collected> records;
};

std::vector<Collected> read_all(std::string_view input, char delimiter = ',',
                                std::size_t max = 1 << 20) {
  CsvReader reader(delimiter, max);
  Collector sink;
  reader.feed(input, sink);
  reader.finish(sink);
  return sink.records;
}

// The same records whatever the pieces: every split in two, and one byte at a time.
void expect_split_invariant(std::string_view input, char delimiter = ',') {
  const auto whole = read_all(input, delimiter);
  for (std::size_t cut = 0; cut <= input.size(); ++cut) {
    CsvReader reader(delimiter, 1 << 20);
    Collector sink;
    reader.feed(input.substr(0, cut), sink);
    reader.feed(input.substr(cut), sink);
    reader.finish(sink);
    EXPECT_EQ(sink.records, whole) << "cut at " << cut;
  }
  CsvReader reader(delimiter, 1 << 20);
  Collector sink;
  for (char c : input) reader.feed(std::string_view(&c, 1), sink);
  reader.finish(sink);
  EXPECT_EQ(sink.records, whole) << "byte by byte";
}

Collected rec(std::vector<std::string> fields, std::uint64_t line,
              std::optional<RowError> error = std::nullopt) {
  return {std::move(fields), line, error};
}

TEST(CsvReader, PlainRecordsWithAndWithoutFinalLineEnd) {
  EXPECT_THAT(read_all("a,b\n1,2\n"), ElementsAre(rec({"a", "b"}, 1), rec({"1", "2"}, 2)));
  EXPECT_THAT(read_all("a,b\n1,2"), ElementsAre(rec({"a", "b"}, 1), rec({"1", "2"}, 2)));
}

TEST(CsvReader, QuotedNewlineStaysInTheFieldAndLinesAreCounted) {
  const std::string input = "id,text\n1,\"first line\nsecond line\"\n2,after\n";
  EXPECT_THAT(read_all(input),
              ElementsAre(rec({"id", "text"}, 1), rec({"1", "first line\nsecond line"}, 2),
                          rec({"2", "after"}, 4)));
  expect_split_invariant(input);
}

TEST(CsvReader, DoubledQuotesAreOneQuote) {
  EXPECT_THAT(read_all("\"she said \"\"hi\"\"\",x\n"),
              ElementsAre(rec({"she said \"hi\"", "x"}, 1)));
  EXPECT_THAT(read_all("\"\"\"\"\n"), ElementsAre(rec({"\""}, 1)));
  expect_split_invariant("\"a\"\"b\",\"\"\"\"\n\"\",c");
}

TEST(CsvReader, DelimiterInsideQuotes) {
  EXPECT_THAT(read_all("\"a,b\",c\n"), ElementsAre(rec({"a,b", "c"}, 1)));
}

TEST(CsvReader, CrlfAndLoneCrEndRecords) {
  const std::string input = "a,b\r\n1,\"x\r\ny\"\r\n2,z\r3,w";
  EXPECT_THAT(read_all(input), ElementsAre(rec({"a", "b"}, 1), rec({"1", "x\r\ny"}, 2),
                                           rec({"2", "z"}, 4), rec({"3", "w"}, 5)));
  expect_split_invariant(input);
}

TEST(CsvReader, ByteOrderMarkIsDroppedOnlyAtTheStart) {
  EXPECT_THAT(read_all("\xEF\xBB\xBFtext,id\nhi,1\n"),
              ElementsAre(rec({"text", "id"}, 1), rec({"hi", "1"}, 2)));
  EXPECT_THAT(read_all("\xEF\xBB\xBF\"text\"\n"), ElementsAre(rec({"text"}, 1)));
  EXPECT_THAT(read_all("a\n\xEF\xBB\xBF"
                       "b\n"),
              ElementsAre(rec({"a"}, 1), rec({"\xEF\xBB\xBF"
                                              "b"},
                                             2)));
  expect_split_invariant("\xEF\xBB\xBFtext,id\nhi,1\n");
  // Two bytes of a BOM and then something else: all of it is data.
  EXPECT_THAT(read_all("\xEF\xBBx\n"), ElementsAre(rec({"\xEF\xBBx"}, 1)));
  // A stream that is only the start of a BOM: those bytes are data too.
  EXPECT_THAT(read_all("\xEF"), ElementsAre(rec({"\xEF"}, 1)));
  EXPECT_THAT(read_all("\xEF\xBB\xBF"), ElementsAre());
  expect_split_invariant("\xEF\xBBx,y\n");
}

TEST(CsvReader, EmptyLinesAreNoRecordsButEmptyFieldsAre) {
  EXPECT_THAT(read_all("a\n\n\r\nb\n"), ElementsAre(rec({"a"}, 1), rec({"b"}, 4)));
  EXPECT_THAT(read_all("\"\"\n,\n"), ElementsAre(rec({""}, 1), rec({"", ""}, 2)));
  EXPECT_THAT(read_all("a,"), ElementsAre(rec({"a", ""}, 1)));
  EXPECT_THAT(read_all(""), ElementsAre());
}

TEST(CsvReader, UnterminatedQuoteAtEndOfInputIsReportedOnce) {
  EXPECT_THAT(read_all("a\n\"open\nb\nc\n"),
              ElementsAre(rec({"a"}, 1), rec({"open\nb\nc\n"}, 2, RowError::unterminated_quote)));
}

TEST(CsvReader, TextAfterAClosingQuoteIsAStrayQuote) {
  EXPECT_THAT(read_all("\"abc\"def,x\ny\n"),
              ElementsAre(rec({"abcdef", "x"}, 1, RowError::stray_quote), rec({"y"}, 2)));
}

TEST(CsvReader, QuoteInsideAnUnquotedFieldIsKept) {
  EXPECT_THAT(read_all("5\" screen,x\n"), ElementsAre(rec({"5\" screen", "x"}, 1)));
}

TEST(CsvReader, TabSeparatedWithQuotes) {
  const std::string input = "id\ttext\n1\t\"tab\there\"\n2\tplain, with comma\n";
  EXPECT_THAT(read_all(input, '\t'), ElementsAre(rec({"id", "text"}, 1), rec({"1", "tab\there"}, 2),
                                                 rec({"2", "plain, with comma"}, 3)));
  expect_split_invariant(input, '\t');
}

TEST(CsvReader, RecordLongerThanTheLimitIsReportedWithoutItsFields) {
  EXPECT_THAT(read_all("ok\n0123456789abc\nok2\n", ',', 8),
              ElementsAre(rec({"ok"}, 1), rec({}, 2, RowError::row_too_long), rec({"ok2"}, 3)));
  // Many delimiters count too.
  EXPECT_THAT(read_all(",,,,,,,,,,,,,,\nx\n", ',', 8),
              ElementsAre(rec({}, 1, RowError::row_too_long), rec({"x"}, 2)));
}

TEST(CsvReader, MemoryStaysBoundedOnAnEndlessQuotedField) {
  CsvReader reader(',', 100);
  Collector sink;
  reader.feed("a,\"", sink);
  const std::string piece(7, 'x');
  for (int i = 0; i < 1000; ++i) {
    reader.feed(piece, sink);
    ASSERT_LE(reader.buffered_bytes(), 100u) << "after " << (i + 1) * piece.size() << " bytes";
  }
  reader.feed("\"\nnext\n", sink);
  reader.finish(sink);
  EXPECT_THAT(sink.records, ElementsAre(rec({}, 1, RowError::row_too_long), rec({"next"}, 2)));
}

TEST(Columns, NameFirstThenOneBasedIndex) {
  const std::vector<std::string_view> header{"id", "text", "2"};
  EXPECT_EQ(resolve_column("text", header, 3), 1u);
  EXPECT_EQ(resolve_column("2", header, 3), 2u);  // the column named "2"
  EXPECT_EQ(resolve_column("1", header, 3), 0u);
  EXPECT_EQ(resolve_column("4", header, 3), std::nullopt);
  EXPECT_EQ(resolve_column("0", header, 3), std::nullopt);
  EXPECT_EQ(resolve_column("body", header, 3), std::nullopt);
  EXPECT_EQ(resolve_column("2", {}, 2), 1u);
  EXPECT_EQ(resolve_column("1x", {}, 2), std::nullopt);
}

}  // namespace
}  // namespace smlapi::tabular
