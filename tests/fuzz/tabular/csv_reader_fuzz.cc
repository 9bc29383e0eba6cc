// Fuzzes the incremental CSV/TSV reader. Invariants: never crash; the records do not depend
// on where the stream is cut into pieces (whole, split at a byte the input picks, byte by
// byte); no record is longer than the limit; a too-long record has no fields; lines only grow;
// writing the fields back as CSV and reading that again gives the same fields.
#include "tabular/csv_reader.h"
#include "tabular/row_writer.h"

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace {

#define FUZZ_CHECK(condition)                                                                \
  do {                                                                                       \
    if (!(condition)) {                                                                      \
      std::fprintf(stderr, "%s:%d: invariant failed: %s\n", __FILE__, __LINE__, #condition); \
      std::abort();                                                                          \
    }                                                                                        \
  } while (false)

using smlapi::tabular::CsvReader;
using smlapi::tabular::CsvRecord;
using smlapi::tabular::RowError;

constexpr std::size_t kMaxRecord = 64;

struct Record {
  std::vector<std::string> fields;
  std::uint64_t line;
  std::optional<RowError> error;
  bool operator==(const Record&) const = default;
};

class Collector : public smlapi::tabular::CsvSink {
 public:
  void on_record(const CsvRecord& record) override {
    records.push_back({{record.fields.begin(), record.fields.end()}, record.line, record.error});
  }
  std::vector<Record> records;
};

std::vector<Record> read(std::string_view input, char delimiter, std::size_t cut, bool bytewise) {
  CsvReader reader(delimiter, kMaxRecord);
  Collector sink;
  if (bytewise) {
    for (char c : input) reader.feed(std::string_view(&c, 1), sink);
  } else {
    reader.feed(input.substr(0, cut), sink);
    reader.feed(input.substr(cut), sink);
  }
  reader.finish(sink);
  return sink.records;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const char delimiter = (data[0] & 1) != 0 ? '\t' : ',';
  const std::string_view input(reinterpret_cast<const char*>(data) + 1, size - 1);
  const auto whole = read(input, delimiter, input.size(), false);
  const std::size_t cut = std::min(input.size(), input.size() / 2 + (data[0] >> 1) % 7);
  FUZZ_CHECK(read(input, delimiter, cut, false) == whole);
  FUZZ_CHECK(read(input, delimiter, 0, true) == whole);
  std::uint64_t line = 0;
  for (const Record& record : whole) {
    FUZZ_CHECK(record.line > line);
    line = record.line;
    std::size_t bytes = 0;
    for (const auto& field : record.fields) bytes += field.size();
    FUZZ_CHECK(bytes <= kMaxRecord);
    if (record.error == RowError::row_too_long) FUZZ_CHECK(record.fields.empty());
    FUZZ_CHECK(record.error == RowError::row_too_long || !record.fields.empty());
  }
  // Round trip (comma CSV, as the output writer quotes): good records read back the same.
  if (delimiter == ',') {
    for (const Record& record : whole) {
      if (record.error) continue;
      std::string written;
      for (std::size_t i = 0; i < record.fields.size(); ++i) {
        if (i != 0) written.push_back(',');
        smlapi::tabular::append_csv_field(written, record.fields[i]);
      }
      if (written.empty()) continue;  // one empty field: a blank line, no record
      if (written.starts_with("\xEF\xBB\xBF")) continue;  // a BOM at a stream's start is dropped
      CsvReader reader(',', kMaxRecord * 4);
      Collector sink;
      reader.feed(written, sink);
      reader.finish(sink);
      FUZZ_CHECK(sink.records.size() == 1);
      FUZZ_CHECK(sink.records[0].fields == record.fields);
    }
  }
  return 0;
}
