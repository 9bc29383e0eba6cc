#include "net/cidr.h"

#include <array>
#include <charconv>

namespace smlapi::net {
namespace {

using Bytes = std::array<unsigned char, 16>;

// Address bytes in network order, and their count (4 or 16).
std::size_t to_bytes(const IpAddress& address, Bytes& out) noexcept {
  if (address.is_v4()) {
    const auto v4 = address.to_v4().to_bytes();
    std::copy(v4.begin(), v4.end(), out.begin());
    return v4.size();
  }
  out = address.to_v6().to_bytes();
  return out.size();
}

bool same_prefix(const Bytes& a, const Bytes& b, unsigned prefix) noexcept {
  const unsigned whole = prefix / 8;
  for (unsigned i = 0; i < whole; ++i) {
    if (a[i] != b[i]) return false;
  }
  const unsigned rest = prefix % 8;
  if (rest == 0) return true;
  const auto mask = static_cast<unsigned char>(0xFFU << (8 - rest));
  return (a[whole] & mask) == (b[whole] & mask);
}

bool host_bits_zero(const Bytes& bytes, std::size_t size, unsigned prefix) noexcept {
  for (std::size_t bit = prefix; bit < size * 8; ++bit) {
    if ((bytes[bit / 8] & (0x80U >> (bit % 8))) != 0) return false;
  }
  return true;
}

}  // namespace

const char* to_string(CidrError error) noexcept {
  switch (error) {
    case CidrError::bad_address:
      return "network address is not a valid IPv4/IPv6 address";
    case CidrError::bad_prefix:
      return "prefix length must be 0..32 for IPv4 and 0..128 for IPv6";
    case CidrError::host_bits_set:
      return "address has bits set beyond the prefix length";
  }
  return "unknown CIDR error";
}

boost::system::result<Cidr, CidrError> Cidr::parse(std::string_view text) {
  const std::size_t slash = text.find('/');
  const auto address = parse_ip(text.substr(0, slash));
  if (!address.has_value()) return CidrError::bad_address;
  Bytes bytes{};
  const std::size_t size = to_bytes(*address, bytes);
  const auto max_prefix = static_cast<unsigned>(size * 8);
  unsigned prefix = max_prefix;
  if (slash != std::string_view::npos) {
    const std::string_view digits = text.substr(slash + 1);
    const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), prefix);
    if (digits.empty() || digits.size() > 3 || ec != std::errc{} ||
        end != digits.data() + digits.size() || prefix > max_prefix) {
      return CidrError::bad_prefix;
    }
  }
  if (!host_bits_zero(bytes, size, prefix)) return CidrError::host_bits_set;
  return Cidr(*address, prefix);
}

bool Cidr::contains(const IpAddress& address) const noexcept {
  const IpAddress candidate = normalise(address);
  if (candidate.is_v4() != network_.is_v4()) return false;
  Bytes mine{};
  Bytes theirs{};
  to_bytes(network_, mine);
  to_bytes(candidate, theirs);
  return same_prefix(mine, theirs, prefix_);
}

std::string Cidr::to_string() const { return network_.to_string() + "/" + std::to_string(prefix_); }

}  // namespace smlapi::net
