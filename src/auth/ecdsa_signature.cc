#include "auth/ecdsa_signature.h"

#include <memory>
#include <stdexcept>
#include <utility>

#include <openssl/crypto.h>
#include <openssl/obj_mac.h>

#include "auth/openssl_handles.h"

namespace smlapi::auth {
namespace {

constexpr int kScalarBytes = 32;

using EcGroupPtr = std::unique_ptr<EC_GROUP, detail::OpenSslDeleter<&EC_GROUP_free>>;

// The P-256 group order n and floor(n/2), taken from OpenSSL rather than typed in. Built once and
// only read afterwards (BN_cmp, BN_sub read their operands), so sharing them across threads is
// safe.
struct P256Order {
  detail::BignumPtr order;
  detail::BignumPtr half;
};

const P256Order& p256_order() {
  static const P256Order value = [] {
    const EcGroupPtr group(EC_GROUP_new_by_curve_name(NID_X9_62_prime256v1));
    if (!group) throw std::runtime_error("P-256 is not available in OpenSSL");
    P256Order built{detail::BignumPtr(BN_dup(EC_GROUP_get0_order(group.get()))),
                    detail::BignumPtr(BN_new())};
    if (!built.order || !built.half || BN_rshift1(built.half.get(), built.order.get()) != 1) {
      throw std::runtime_error("cannot compute the P-256 group order");
    }
    return built;
  }();
  return value;
}

const unsigned char* as_bytes(std::string_view text) {
  return reinterpret_cast<const unsigned char*>(text.data());
}

// 1 <= scalar <= n-1.
bool in_group_range(const BIGNUM* scalar) {
  return !BN_is_zero(scalar) && BN_cmp(scalar, p256_order().order.get()) < 0;
}

// s <= n/2. (r, s) and (r, n-s) both verify, so only the low half is a valid spelling.
bool is_low_s(const BIGNUM* s) { return BN_cmp(s, p256_order().half.get()) <= 0; }

std::optional<std::string> to_der(detail::BignumPtr r, detail::BignumPtr s) {
  detail::EcdsaSigPtr signature(ECDSA_SIG_new());
  if (!signature || ECDSA_SIG_set0(signature.get(), r.get(), s.get()) != 1) return std::nullopt;
  r.release();  // owned by `signature` now
  s.release();
  unsigned char* der = nullptr;
  const int length = i2d_ECDSA_SIG(signature.get(), &der);
  if (length <= 0) return std::nullopt;
  std::string out(reinterpret_cast<const char*>(der), static_cast<std::size_t>(length));
  OPENSSL_free(der);
  return out;
}

}  // namespace

std::optional<std::string> es256_jose_to_der(std::string_view jose) {
  if (jose.size() != kEs256SignatureBytes) return std::nullopt;
  detail::BignumPtr r(BN_bin2bn(as_bytes(jose), kScalarBytes, nullptr));
  detail::BignumPtr s(BN_bin2bn(as_bytes(jose) + kScalarBytes, kScalarBytes, nullptr));
  if (!r || !s || !in_group_range(r.get()) || !in_group_range(s.get()) || !is_low_s(s.get())) {
    return std::nullopt;
  }
  return to_der(std::move(r), std::move(s));
}

std::optional<std::string> es256_der_to_jose(std::string_view der) {
  const unsigned char* cursor = as_bytes(der);
  detail::EcdsaSigPtr signature(d2i_ECDSA_SIG(nullptr, &cursor, static_cast<long>(der.size())));
  if (!signature) return std::nullopt;
  const BIGNUM* s = ECDSA_SIG_get0_s(signature.get());
  detail::BignumPtr low_s(BN_new());
  if (!low_s) return std::nullopt;
  // OpenSSL signs with either half; we publish only the low one (n - s when s > n/2).
  const bool copied = is_low_s(s) ? BN_copy(low_s.get(), s) != nullptr
                                  : BN_sub(low_s.get(), p256_order().order.get(), s) == 1;
  std::string out(kEs256SignatureBytes, '\0');
  auto* bytes = reinterpret_cast<unsigned char*>(out.data());
  if (!copied ||
      BN_bn2binpad(ECDSA_SIG_get0_r(signature.get()), bytes, kScalarBytes) != kScalarBytes ||
      BN_bn2binpad(low_s.get(), bytes + kScalarBytes, kScalarBytes) != kScalarBytes) {
    return std::nullopt;
  }
  return out;
}

std::optional<std::string> es256_jose_low_s(std::string_view jose) {
  if (jose.size() != kEs256SignatureBytes) return std::nullopt;
  const detail::BignumPtr r(BN_bin2bn(as_bytes(jose), kScalarBytes, nullptr));
  const detail::BignumPtr s(BN_bin2bn(as_bytes(jose) + kScalarBytes, kScalarBytes, nullptr));
  if (!r || !s || !in_group_range(r.get()) || !in_group_range(s.get())) return std::nullopt;
  std::string out(jose);
  if (is_low_s(s.get())) return out;
  const detail::BignumPtr low_s(BN_new());
  auto* bytes = reinterpret_cast<unsigned char*>(out.data());
  if (!low_s || BN_sub(low_s.get(), p256_order().order.get(), s.get()) != 1 ||
      BN_bn2binpad(low_s.get(), bytes + kScalarBytes, kScalarBytes) != kScalarBytes) {
    return std::nullopt;
  }
  return out;
}

}  // namespace smlapi::auth
