#include "tabular/line_reader.h"

#include <cstring>

namespace smlapi::tabular {

void LineReader::feed(std::string_view piece, LineSink& sink) {
  const auto [replay, rest] = bom_.filter(piece);
  parse(replay, sink);
  parse(rest, sink);
}

void LineReader::parse(std::string_view bytes, LineSink& sink) {
  while (!bytes.empty()) {
    const void* found = std::memchr(bytes.data(), '\n', bytes.size());
    if (found == nullptr) {
      hold(bytes);
      return;
    }
    const auto length = static_cast<std::size_t>(static_cast<const char*>(found) - bytes.data());
    if (pending_.empty() && !too_long_) {
      emit(bytes.substr(0, length), sink);  // the common case: no copy
    } else {
      hold(bytes.substr(0, length));
      emit(pending_, sink);
    }
    pending_.clear();
    too_long_ = false;
    bytes.remove_prefix(length + 1);
  }
}

// Keeps the start of a line for the next piece, up to the limit (plus one byte for a '\r'
// that a following '\n' would drop).
void LineReader::hold(std::string_view bytes) {
  if (too_long_) return;
  if (pending_.size() + bytes.size() > max_line_bytes_ + 1) {
    too_long_ = true;
    pending_.clear();
    pending_.shrink_to_fit();
    return;
  }
  pending_.append(bytes);
}

void LineReader::emit(std::string_view text, LineSink& sink) {
  if (!text.empty() && text.back() == '\r') text.remove_suffix(1);
  Line line{text, ++number_, too_long_ || text.size() > max_line_bytes_};
  if (line.too_long) line.text = {};
  sink.on_line(line);
}

void LineReader::finish(LineSink& sink) {
  parse(bom_.finish(), sink);
  if (!pending_.empty() || too_long_) emit(pending_, sink);
  pending_.clear();
  too_long_ = false;
}

}  // namespace smlapi::tabular
