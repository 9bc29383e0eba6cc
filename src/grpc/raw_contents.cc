#include "grpc/raw_contents.h"

#include <cstdint>

namespace smlapi::grpc_api {

boost::system::result<std::vector<std::string_view>, RawContentsError> split_raw_bytes(
    std::string_view raw) {
  std::vector<std::string_view> elements;
  std::size_t at = 0;
  while (at < raw.size()) {
    if (raw.size() - at < 4) {
      return RawContentsError{"raw BYTES contents end inside an element's 4-byte length"};
    }
    std::uint32_t length = 0;
    for (int i = 3; i >= 0; --i) {
      length = (length << 8) | static_cast<unsigned char>(raw[at + static_cast<std::size_t>(i)]);
    }
    at += 4;
    if (length > raw.size() - at) {
      return RawContentsError{"raw BYTES contents: an element's length runs past the end"};
    }
    elements.push_back(raw.substr(at, length));
    at += length;
  }
  return elements;
}

void append_raw_bytes(std::string& out, std::string_view element) {
  const auto length = static_cast<std::uint32_t>(element.size());
  for (int i = 0; i < 4; ++i) out.push_back(static_cast<char>((length >> (8 * i)) & 0xFF));
  out.append(element);
}

}  // namespace smlapi::grpc_api
