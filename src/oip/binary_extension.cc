#include "oip/binary_extension.h"

#include <bit>
#include <charconv>
#include <cstdint>
#include <cstring>

namespace smlapi::oip {

namespace {

static_assert(std::endian::native == std::endian::little,
              "the binary extension is little-endian; a big-endian build would need byte swaps");

OipError bad_request(std::string message) {
  return {OipErrorKind::bad_request, std::move(message)};
}

template <typename T>
void append_raw(std::string& out, T value) {
  char bytes[sizeof(T)];
  std::memcpy(bytes, &value, sizeof(T));
  out.append(bytes, sizeof(T));
}

}  // namespace

boost::system::result<BinaryBody, OipError> split_binary_body(std::string_view body,
                                                              std::string_view header_length) {
  std::size_t length = 0;
  const char* end = header_length.data() + header_length.size();
  const auto parsed = std::from_chars(header_length.data(), end, length);
  if (header_length.empty() || parsed.ec != std::errc{} || parsed.ptr != end) {
    return bad_request("Inference-Header-Content-Length must be a decimal byte count");
  }
  if (length == 0 || length > body.size()) {
    return bad_request(
        "Inference-Header-Content-Length must be between 1 and the body's length: the body "
        "starts with the JSON inference request, then the binary tensor data");
  }
  return BinaryBody{body.substr(0, length), body.substr(length)};
}

boost::system::result<void, OipError> decode_bytes_elements(std::string_view blob,
                                                            std::size_t expected,
                                                            std::vector<std::string_view>& out) {
  std::size_t offset = 0;
  for (std::size_t i = 0; i < expected; ++i) {
    std::uint32_t length = 0;
    if (blob.size() - offset < sizeof(length)) {
      return bad_request("binary data of input 'text' ends inside element " + std::to_string(i) +
                         "'s 4-byte length");
    }
    std::memcpy(&length, blob.data() + offset, sizeof(length));
    offset += sizeof(length);
    if (blob.size() - offset < length) {
      return bad_request("binary data of input 'text' ends inside element " + std::to_string(i));
    }
    out.push_back(blob.substr(offset, length));
    offset += length;
  }
  if (offset != blob.size()) {
    return bad_request(
        "binary data of input 'text' holds more bytes than its shape's elements (each BYTES "
        "element: a 4-byte little-endian length, then the bytes)");
  }
  return {};
}

void append_bytes_element(std::string& out, std::string_view bytes) {
  append_raw(out, static_cast<std::uint32_t>(bytes.size()));
  out.append(bytes);
}

void append_fp64(std::string& out, double value) { append_raw(out, value); }

void append_int64(std::string& out, long long value) {
  append_raw(out, static_cast<std::int64_t>(value));
}

}  // namespace smlapi::oip
