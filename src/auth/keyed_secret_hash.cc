#include "auth/keyed_secret_hash.h"

#include <array>
#include <cstdint>
#include <span>
#include <stdexcept>

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include "auth/base64url.h"
#include "auth/random.h"

namespace smlapi::auth {
namespace {

using Digest = std::array<unsigned char, kKeyedHashDigestBytes>;

Digest hmac_sha256(std::string_view key, std::string_view message) {
  Digest out{};
  std::size_t length = 0;
  // EVP_Q_mac fetches HMAC and SHA-256 from the default provider on each call: about a
  // microsecond, well below the cost of signing the token that follows.
  if (EVP_Q_mac(nullptr, "HMAC", nullptr, "SHA256", nullptr, key.data(), key.size(),
                reinterpret_cast<const unsigned char*>(message.data()), message.size(), out.data(),
                out.size(), &length) == nullptr ||
      length != out.size()) {
    throw std::runtime_error("HMAC-SHA256 failed");
  }
  return out;
}

// The salt of verify_keyed_secret_dummy(): any value does, the result is thrown away.
constexpr std::string_view kDummySalt = "dummy-salt-for-unknown-client-ids";

}  // namespace

bool is_generated_secret(std::string_view secret) noexcept {
  if (secret.size() != 43) return false;  // the unpadded base64url length of 32 bytes
  const auto decoded = base64url_decode(secret);
  return decoded && decoded->size() == kGeneratedSecretBytes;
}

std::string keyed_secret_hash(std::string_view secret) {
  const std::string salt = random_bytes(kKeyedHashSaltBytes);
  const Digest digest = hmac_sha256(salt, secret);
  std::string out(kKeyedHashPrefix);
  out.append(base64url_encode(salt));
  out.push_back('$');
  out.append(base64url_encode(std::span<const std::uint8_t>(digest.data(), digest.size())));
  return out;
}

std::optional<KeyedSecretHash> parse_keyed_secret_hash(std::string_view encoded) {
  if (!encoded.starts_with(kKeyedHashPrefix)) return std::nullopt;
  const std::string_view rest = encoded.substr(kKeyedHashPrefix.size());
  const std::size_t dollar = rest.find('$');
  if (dollar == std::string_view::npos) return std::nullopt;
  auto salt = base64url_decode(rest.substr(0, dollar));
  auto digest = base64url_decode(rest.substr(dollar + 1));
  if (!salt || !digest || salt->size() != kKeyedHashSaltBytes ||
      digest->size() != kKeyedHashDigestBytes) {
    return std::nullopt;
  }
  return KeyedSecretHash{std::move(*salt), std::move(*digest)};
}

bool verify_keyed_secret(std::string_view encoded, std::string_view secret) {
  const auto stored = parse_keyed_secret_hash(encoded);
  if (!stored || !is_generated_secret(secret)) return false;
  const Digest computed = hmac_sha256(stored->salt, secret);
  return CRYPTO_memcmp(computed.data(), stored->digest.data(), computed.size()) == 0;
}

void verify_keyed_secret_dummy(std::string_view secret) {
  static_cast<void>(is_generated_secret(secret));
  static_cast<void>(hmac_sha256(kDummySalt, secret));
}

}  // namespace smlapi::auth
