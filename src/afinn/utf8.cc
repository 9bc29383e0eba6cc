#include "afinn/utf8.h"

#include "common/utf8.h"

namespace smlapi::afinn::utf8 {
namespace {

unsigned byte_at(std::string_view text, std::size_t pos) {
  return static_cast<unsigned char>(text[pos]);
}

bool is_continuation(unsigned byte) { return (byte & 0xC0u) == 0x80u; }

}  // namespace

bool is_well_formed(std::string_view text) {
  for (std::size_t pos = 0; pos < text.size();) {
    const std::size_t length = smlapi::utf8::sequence_length(text.substr(pos));
    if (length == 0) return false;
    pos += length;
  }
  return true;
}

char32_t decode_next(std::string_view text, std::size_t& pos) {
  const unsigned lead = byte_at(text, pos);
  if (lead < 0x80) {
    ++pos;
    return lead;
  }
  const std::size_t length = lead < 0xE0 ? 2 : lead < 0xF0 ? 3 : 4;
  char32_t code_point = lead & (0xFFu >> (length + 1));
  for (std::size_t i = 1; i < length; ++i)
    code_point = code_point << 6 | (byte_at(text, pos + i) & 0x3Fu);
  pos += length;
  return code_point;
}

char32_t decode_previous(std::string_view text, std::size_t& pos) {
  do {
    --pos;
  } while (is_continuation(byte_at(text, pos)));
  std::size_t start = pos;
  return decode_next(text, start);
}

void append(std::string& out, char32_t code_point) {
  const auto put = [&](unsigned value) { out.push_back(static_cast<char>(value)); };
  if (code_point < 0x80) {
    put(code_point);
  } else if (code_point < 0x800) {
    put(0xC0 | code_point >> 6);
    put(0x80 | (code_point & 0x3F));
  } else if (code_point < 0x10000) {
    put(0xE0 | code_point >> 12);
    put(0x80 | (code_point >> 6 & 0x3F));
    put(0x80 | (code_point & 0x3F));
  } else {
    put(0xF0 | code_point >> 18);
    put(0x80 | (code_point >> 12 & 0x3F));
    put(0x80 | (code_point >> 6 & 0x3F));
    put(0x80 | (code_point & 0x3F));
  }
}

}  // namespace smlapi::afinn::utf8
