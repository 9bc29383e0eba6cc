#include "tabular/csv_reader.h"

namespace smlapi::tabular {

void CsvReader::feed(std::string_view piece, CsvSink& sink) {
  const auto [replay, rest] = bom_.filter(piece);
  parse(replay, sink);
  parse(rest, sink);
}

void CsvReader::fail(RowError error) {
  if (!error_) error_ = error;
}

void CsvReader::append(std::string_view bytes) {
  if (error_ == RowError::row_too_long) return;
  if (buffer_.size() + ends_.size() + bytes.size() > max_record_bytes_) {
    error_ = RowError::row_too_long;  // wins over any other error: the fields are gone
    buffer_.clear();
    buffer_.shrink_to_fit();
    return;
  }
  buffer_.append(bytes);
}

void CsvReader::end_field() {
  if (error_ == RowError::row_too_long) return;
  // Each field costs a byte too: a line of millions of commas is as long as any other.
  if (ends_.size() >= max_record_bytes_) {
    error_ = RowError::row_too_long;
    buffer_.clear();
    ends_.clear();
    return;
  }
  ends_.push_back(buffer_.size());
}

void CsvReader::end_record(CsvSink& sink) {
  // A line with nothing on it is no record (one unquoted empty field).
  const bool blank = ends_.size() == 1 && ends_[0] == 0 && !field_quoted_ && !error_;
  if (!blank) {
    views_.clear();
    if (error_ != RowError::row_too_long) {
      std::size_t start = 0;
      for (std::size_t end : ends_) {
        views_.emplace_back(buffer_.data() + start, end - start);
        start = end;
      }
    }
    sink.on_record(CsvRecord{views_, record_line_, error_});
  }
  buffer_.clear();
  ends_.clear();
  error_.reset();
}

// Bytes of an unquoted field up to the next delimiter, quote-free line end: copied in one go.
std::size_t CsvReader::unquoted_run(std::string_view bytes, std::size_t i) {
  std::size_t j = i;
  while (j < bytes.size()) {
    const char c = bytes[j];
    if (c == delimiter_ || c == '\n' || c == '\r') break;
    ++j;
  }
  append(bytes.substr(i, j - i));
  return j;
}

// Bytes of a quoted field up to the next quote; counts the line ends inside.
std::size_t CsvReader::quoted_run(std::string_view bytes, std::size_t i) {
  std::size_t j = i;
  while (j < bytes.size() && bytes[j] != '"') {
    if (bytes[j] == '\n') ++line_;
    ++j;
  }
  append(bytes.substr(i, j - i));
  return j;
}

void CsvReader::parse(std::string_view bytes, CsvSink& sink) {
  std::size_t i = 0;
  while (i < bytes.size()) {
    const char c = bytes[i];
    switch (state_) {
      case State::after_cr:  // CRLF, or a lone CR ending the line
        state_ = State::field_start;
        ++line_;
        record_line_ = line_;
        if (c == '\n') ++i;
        continue;
      case State::field_start:
        field_quoted_ = c == '"';
        if (field_quoted_) {
          state_ = State::quoted;
          ++i;
          continue;
        }
        state_ = State::unquoted;
        continue;
      case State::unquoted:
        if (c == delimiter_) {
          end_field();
          state_ = State::field_start;
          ++i;
        } else if (c == '\n' || c == '\r') {
          end_field();
          end_record(sink);
          if (c == '\n') {
            ++line_;
            record_line_ = line_;
            state_ = State::field_start;
          } else {
            state_ = State::after_cr;
          }
          ++i;
        } else {
          i = unquoted_run(bytes, i);
        }
        continue;
      case State::quoted:
        if (c == '"') {
          state_ = State::quote_closed;
          ++i;
        } else {
          i = quoted_run(bytes, i);
        }
        continue;
      case State::quote_closed:
        if (c == '"') {  // "" inside quotes: one quote
          append("\"");
          state_ = State::quoted;
          ++i;
        } else if (c == delimiter_ || c == '\n' || c == '\r') {
          state_ = State::unquoted;  // ends the field as an unquoted one would
        } else {
          fail(RowError::stray_quote);
          state_ = State::unquoted;  // keep the rest of the field as it is
        }
        continue;
    }
  }
}

void CsvReader::finish(CsvSink& sink) {
  parse(bom_.finish(), sink);
  switch (state_) {
    case State::quoted:
      fail(RowError::unterminated_quote);
      [[fallthrough]];
    case State::unquoted:
    case State::quote_closed:
      end_field();
      end_record(sink);
      break;
    case State::field_start:
      if (!ends_.empty()) {  // "a,b," without a line end: the last field is empty
        end_field();
        end_record(sink);
      }
      break;
    case State::after_cr:
      break;
  }
  state_ = State::field_start;
}

}  // namespace smlapi::tabular
