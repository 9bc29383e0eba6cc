#include "grpc/peer_address.h"

namespace smlapi::grpc_api {

namespace {

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::string percent_decoded(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '%' && i + 2 < text.size()) {
      const int high = hex_value(text[i + 1]);
      const int low = hex_value(text[i + 2]);
      if (high >= 0 && low >= 0) {
        out.push_back(static_cast<char>(high * 16 + low));
        i += 2;
        continue;
      }
    }
    out.push_back(text[i]);
  }
  return out;
}

}  // namespace

std::string peer_ip(std::string_view peer) {
  const std::string decoded = percent_decoded(peer);
  std::string_view text = decoded;
  if (text.starts_with("ipv4:")) {
    text.remove_prefix(5);
    const auto colon = text.rfind(':');
    return std::string(colon == std::string_view::npos ? text : text.substr(0, colon));
  }
  if (text.starts_with("ipv6:[")) {
    text.remove_prefix(6);
    const auto close = text.find(']');
    if (close != std::string_view::npos) return std::string(text.substr(0, close));
  }
  return std::string(peer);
}

}  // namespace smlapi::grpc_api
