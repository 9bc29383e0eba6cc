#include "net/ip_address.h"

#include <algorithm>

namespace smlapi::net {
namespace {

// "ffff:ffff:ffff:ffff:ffff:ffff:255.255.255.255" is the longest textual form.
constexpr std::size_t kMaxAddressText = 45;

}  // namespace

const char* to_string(AddressError error) noexcept {
  switch (error) {
    case AddressError::empty:
      return "empty address";
    case AddressError::too_long:
      return "address too long";
    case AddressError::zone_id:
      return "scoped IPv6 address (zone id) not accepted";
    case AddressError::invalid:
      return "not an IPv4 or IPv6 address";
  }
  return "unknown address error";
}

IpAddress normalise(const IpAddress& address) {
  if (address.is_v6() && address.to_v6().is_v4_mapped()) {
    return boost::asio::ip::make_address_v4(boost::asio::ip::v4_mapped, address.to_v6());
  }
  return address;
}

boost::system::result<IpAddress, AddressError> parse_ip(std::string_view text) {
  if (text.empty()) return AddressError::empty;
  if (text.size() > kMaxAddressText) return AddressError::too_long;
  if (text.find('%') != std::string_view::npos) return AddressError::zone_id;
  const std::string copy(text);  // make_address needs a NUL-terminated string
  boost::system::error_code ec;
  const IpAddress address = boost::asio::ip::make_address(copy.c_str(), ec);
  if (ec) return AddressError::invalid;
  return normalise(address);
}

std::string address_bucket(const IpAddress& address, unsigned ipv6_prefix) {
  const IpAddress normal = normalise(address);
  if (normal.is_v4()) return normal.to_string();
  ipv6_prefix = std::min(ipv6_prefix, 128U);
  auto bytes = normal.to_v6().to_bytes();
  for (unsigned bit = ipv6_prefix; bit < 128; ++bit) {
    bytes[bit / 8] = static_cast<unsigned char>(bytes[bit / 8] & ~(0x80U >> (bit % 8)));
  }
  return boost::asio::ip::address_v6(bytes).to_string() + "/" + std::to_string(ipv6_prefix);
}

std::string_view source_key(std::string_view client, std::string& bucket) {
  if (client.find(':') == std::string_view::npos) return client;
  auto address = parse_ip(client);
  if (!address) return client;
  bucket = address_bucket(*address);
  return bucket;
}

}  // namespace smlapi::net
