// An incremental RFC 4180 record reader for CSV and TSV (the same grammar with a tab): fed the
// stream in pieces of any size, it reports each record with its fields unquoted, the line it
// starts on, or what is wrong with it.
//
//   - fields in double quotes may hold the delimiter, CR, LF and doubled quotes ("");
//   - records end at LF, CRLF or a lone CR; the last one needs no line end;
//   - a quote inside an unquoted field is kept as it is (5" screen), as spreadsheets write it;
//   - a closing quote followed by anything but a delimiter or a line end: stray_quote;
//   - a quoted field still open at the end of the input: unterminated_quote (the record holds
//     everything up to the end, so one bad quote is reported once, not as every later row);
//   - a record longer than the limit: row_too_long, reported without its fields (memory stays
//     bounded);
//   - empty lines are not records; a byte-order mark at the start is dropped.
//
// Written by hand rather than with Debian's libcsv: libcsv reports neither the line a record
// starts on nor where a strict-mode error is, keeps no BOM or lone-CR rules, and copies every
// field through a callback; this reader is ~200 lines, fuzzed (tests/fuzz/tabular) and knows
// the error kinds the score command reports per row.
#pragma once

#include "tabular/bom_filter.h"
#include "tabular/row_error.h"

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace smlapi::tabular {

struct CsvRecord {
  std::span<const std::string_view> fields;  // valid during the callback only
  std::uint64_t line = 0;                    // 1-based line the record starts on
  std::optional<RowError> error;             // row_too_long: no fields
};

class CsvSink {
 public:
  virtual ~CsvSink() = default;
  virtual void on_record(const CsvRecord& record) = 0;
};

class CsvReader {
 public:
  CsvReader(char delimiter, std::size_t max_record_bytes)
      : delimiter_(delimiter), max_record_bytes_(max_record_bytes) {}

  void feed(std::string_view piece, CsvSink& sink);
  // End of the stream: the last record, if it had no line end.
  void finish(CsvSink& sink);

  // Bytes held for the record being read: never more than the limit.
  std::size_t buffered_bytes() const { return buffer_.size(); }

 private:
  enum class State : std::uint8_t {
    field_start,   // nothing of the current field read yet
    unquoted,      // inside an unquoted field
    quoted,        // inside a quoted field
    quote_closed,  // after a quote inside a quoted field: "" or the end of the field
    after_cr,      // a record ended at CR: a following LF belongs to it
  };

  void parse(std::string_view bytes, CsvSink& sink);
  std::size_t unquoted_run(std::string_view bytes, std::size_t i);
  std::size_t quoted_run(std::string_view bytes, std::size_t i);
  void append(std::string_view bytes);
  void end_field();
  void end_record(CsvSink& sink);
  void fail(RowError error);

  char delimiter_;
  std::size_t max_record_bytes_;
  BomFilter bom_;
  State state_ = State::field_start;
  std::string buffer_;             // the current record's field bytes, unquoted
  std::vector<std::size_t> ends_;  // where each finished field ends in buffer_
  std::vector<std::string_view> views_;
  bool field_quoted_ = false;  // the current field started with a quote
  std::optional<RowError> error_;
  std::uint64_t line_ = 1;         // the line the reader is on
  std::uint64_t record_line_ = 1;  // the line the current record started on
};

}  // namespace smlapi::tabular
