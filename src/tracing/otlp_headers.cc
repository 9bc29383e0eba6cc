#include "tracing/otlp_headers.h"

namespace smlapi::tracing {

namespace {
// RFC 9110 token characters.
bool token_char(char c) {
  if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) return true;
  for (char allowed : std::string_view("!#$%&'*+-.^_`|~")) {
    if (c == allowed) return true;
  }
  return false;
}

std::string_view trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t' || text.back() == '\r')) {
    text.remove_suffix(1);
  }
  return text;
}

// Headers the exporter writes itself: a file must not change the request's framing.
bool reserved(std::string_view name) {
  for (std::string_view own :
       {"host", "content-type", "content-length", "transfer-encoding", "connection"}) {
    if (name.size() != own.size()) continue;
    bool same = true;
    for (std::size_t i = 0; i < name.size(); ++i) {
      char c = name[i];
      if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
      if (c != own[i]) same = false;
    }
    if (same) return true;
  }
  return false;
}
}  // namespace

boost::system::result<HeaderList, HeadersFileError> parse_otlp_headers(std::string_view text) {
  HeaderList headers;
  std::size_t number = 0;
  while (!text.empty()) {
    ++number;
    const auto newline = text.find('\n');
    const std::string_view line = trim(text.substr(0, newline));
    text.remove_prefix(newline == std::string_view::npos ? text.size() : newline + 1);
    if (line.empty() || line.front() == '#') continue;
    const auto colon = line.find(':');
    if (colon == std::string_view::npos || colon == 0) {
      return HeadersFileError{number, "expected 'Name: value'"};
    }
    const std::string_view name = line.substr(0, colon);
    for (char c : name) {
      if (!token_char(c)) return HeadersFileError{number, "the header name is not a token"};
    }
    if (reserved(name)) return HeadersFileError{number, "the exporter sets this header itself"};
    const std::string_view value = trim(line.substr(colon + 1));
    for (char c : value) {
      const auto byte = static_cast<unsigned char>(c);
      if ((byte < 0x20 && c != '\t') || byte == 0x7F) {
        return HeadersFileError{number, "the value has a control character"};
      }
    }
    headers.emplace_back(name, value);
  }
  return headers;
}

}  // namespace smlapi::tracing
