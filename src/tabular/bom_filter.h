// Drops a UTF-8 byte-order mark (EF BB BF) at the very start of a stream, however the stream
// is cut into pieces: spreadsheet exports start with one, and left in place it would become
// part of the first header name or the first text.
#pragma once

#include <cstdint>
#include <string_view>

namespace smlapi::tabular {

class BomFilter {
 public:
  struct Pieces {
    std::string_view replay;  // BOM bytes held back earlier that turned out not to be one
    std::string_view rest;    // the piece's bytes that follow
  };

  // The bytes to parse out of the next piece of the stream: replay, then rest.
  Pieces filter(std::string_view piece) noexcept;
  // At the end of the stream: the bytes still held back (a stream that is just "\xEF\xBB").
  std::string_view finish() noexcept;

 private:
  std::uint8_t matched_ = 0;  // BOM bytes seen so far at the start
  bool done_ = false;
};

}  // namespace smlapi::tabular
