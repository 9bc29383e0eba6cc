#include "auth/openssl_handles.h"

#include <array>

#include <openssl/err.h>

namespace smlapi::auth::detail {

PkeyPtr share(EVP_PKEY* key) {
  if (key != nullptr) EVP_PKEY_up_ref(key);
  return PkeyPtr(key);
}

std::string take_openssl_error() {
  const unsigned long code = ERR_get_error();
  ERR_clear_error();
  if (code == 0) return "unknown OpenSSL error";
  std::array<char, 256> buffer{};
  ERR_error_string_n(code, buffer.data(), buffer.size());
  return std::string(buffer.data());
}

}  // namespace smlapi::auth::detail
