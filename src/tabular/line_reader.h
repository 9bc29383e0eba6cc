// Cuts a byte stream into lines, incrementally: the stream arrives in pieces of any size and a
// line may span pieces. A line ends at '\n'; one '\r' before it is dropped (CRLF files); the
// last line needs no '\n'. A byte-order mark at the start is dropped. A line longer than the
// limit is reported once as too long, without its bytes, so memory stays bounded whatever the
// input.
#pragma once

#include "tabular/bom_filter.h"

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace smlapi::tabular {

struct Line {
  std::string_view text;     // valid during the callback only; empty when too_long
  std::uint64_t number = 0;  // 1-based
  bool too_long = false;
};

class LineSink {
 public:
  virtual ~LineSink() = default;
  virtual void on_line(const Line& line) = 0;
};

class LineReader {
 public:
  explicit LineReader(std::size_t max_line_bytes) : max_line_bytes_(max_line_bytes) {}

  void feed(std::string_view piece, LineSink& sink);
  // End of the stream: the last line, if it had no '\n'.
  void finish(LineSink& sink);

  // Bytes held for a line cut by the end of a piece: never more than the limit (+1 for CR).
  std::size_t buffered_bytes() const { return pending_.size(); }

 private:
  void parse(std::string_view bytes, LineSink& sink);
  void emit(std::string_view text, LineSink& sink);
  void hold(std::string_view bytes);

  std::size_t max_line_bytes_;
  BomFilter bom_;
  std::string pending_;  // the start of a line cut by the end of a piece
  bool too_long_ = false;
  std::uint64_t number_ = 0;
};

}  // namespace smlapi::tabular
