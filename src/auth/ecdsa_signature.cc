#include "auth/ecdsa_signature.h"

#include <algorithm>
#include <array>
#include <cstdint>

#include <openssl/crypto.h>

#include "auth/openssl_handles.h"

namespace smlapi::auth {
namespace {

constexpr std::size_t kScalarBytes = 32;

// The order n of the P-256 group (FIPS 186-4 D.1.2.3), big-endian.
constexpr std::array<std::uint8_t, kScalarBytes> kP256Order = {
    0xff, 0xff, 0xff, 0xff, 0x00, 0x00, 0x00, 0x00, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
    0xbc, 0xe6, 0xfa, 0xad, 0xa7, 0x17, 0x9e, 0x84, 0xf3, 0xb9, 0xca, 0xc2, 0xfc, 0x63, 0x25, 0x51};

const std::uint8_t* as_bytes(std::string_view text) {
  return reinterpret_cast<const std::uint8_t*>(text.data());
}

// 1 <= scalar <= n-1, comparing fixed-width big-endian numbers lexicographically.
bool is_valid_scalar(std::string_view scalar) {
  const std::uint8_t* bytes = as_bytes(scalar);
  const bool is_zero =
      std::all_of(bytes, bytes + kScalarBytes, [](std::uint8_t b) { return b == 0; });
  const bool below_order = std::lexicographical_compare(bytes, bytes + kScalarBytes,
                                                        kP256Order.begin(), kP256Order.end());
  return !is_zero && below_order;
}

}  // namespace

std::optional<std::string> es256_jose_to_der(std::string_view jose) {
  if (jose.size() != kEs256SignatureBytes) return std::nullopt;
  const std::string_view r = jose.substr(0, kScalarBytes);
  const std::string_view s = jose.substr(kScalarBytes);
  if (!is_valid_scalar(r) || !is_valid_scalar(s)) return std::nullopt;

  detail::EcdsaSigPtr signature(ECDSA_SIG_new());
  BIGNUM* r_number = BN_bin2bn(as_bytes(r), kScalarBytes, nullptr);
  BIGNUM* s_number = BN_bin2bn(as_bytes(s), kScalarBytes, nullptr);
  if (!signature || r_number == nullptr || s_number == nullptr ||
      ECDSA_SIG_set0(signature.get(), r_number, s_number) != 1) {
    BN_free(r_number);
    BN_free(s_number);
    return std::nullopt;
  }
  unsigned char* der = nullptr;
  const int length = i2d_ECDSA_SIG(signature.get(), &der);
  if (length <= 0) return std::nullopt;
  std::string out(reinterpret_cast<const char*>(der), static_cast<std::size_t>(length));
  OPENSSL_free(der);
  return out;
}

std::optional<std::string> es256_der_to_jose(std::string_view der) {
  const unsigned char* cursor = as_bytes(der);
  detail::EcdsaSigPtr signature(d2i_ECDSA_SIG(nullptr, &cursor, static_cast<long>(der.size())));
  if (!signature) return std::nullopt;
  std::string out(kEs256SignatureBytes, '\0');
  auto* bytes = reinterpret_cast<unsigned char*>(out.data());
  if (BN_bn2binpad(ECDSA_SIG_get0_r(signature.get()), bytes, kScalarBytes) != kScalarBytes ||
      BN_bn2binpad(ECDSA_SIG_get0_s(signature.get()), bytes + kScalarBytes, kScalarBytes) !=
          kScalarBytes) {
    return std::nullopt;
  }
  return out;
}

}  // namespace smlapi::auth
