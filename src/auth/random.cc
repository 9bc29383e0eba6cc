#include "auth/random.h"

#include <stdexcept>

#include <openssl/rand.h>

#include "auth/base64url.h"

namespace smlapi::auth {

std::string random_bytes(std::size_t count) {
  std::string bytes(count, '\0');
  if (count > 0 &&
      RAND_bytes(reinterpret_cast<unsigned char*>(bytes.data()), static_cast<int>(count)) != 1) {
    throw std::runtime_error("RAND_bytes failed: no secure randomness available");
  }
  return bytes;
}

std::string random_token(std::size_t count) { return base64url_encode(random_bytes(count)); }

}  // namespace smlapi::auth
