// Arbitrary bytes as a credential file, and as a stored keyed client-secret hash. Invariants:
// parsing never crashes; whatever parses serializes to a document that parses again to the same
// serialization (round trip); a keyed hash parses only in its one canonical spelling (exact
// sizes, re-encoding gives the input back) and verifying any secret against any input never
// crashes.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "auth/base64url.h"
#include "auth/credential_store.h"
#include "auth/keyed_secret_hash.h"

namespace {

void check_keyed_hash(std::string_view input) {
  using namespace smlapi::auth;
  const auto parsed = parse_keyed_secret_hash(input);
  if (parsed) {
    if (parsed->salt.size() != kKeyedHashSaltBytes ||
        parsed->digest.size() != kKeyedHashDigestBytes) {
      std::abort();
    }
    const std::string canonical = std::string(kKeyedHashPrefix) + base64url_encode(parsed->salt) +
                                  "$" + base64url_encode(parsed->digest);
    if (canonical != input) std::abort();
  }
  // The input's tail as a presented secret: never crashes, and only the generated form can match.
  const std::string_view secret = input.substr(input.size() / 2);
  if (verify_keyed_secret(input, secret) && !is_generated_secret(secret)) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  check_keyed_hash(input);
  const auto store = smlapi::auth::CredentialStore::parse(input);
  if (!store) return 0;
  const std::string json = store->to_json();
  const auto reparsed = smlapi::auth::CredentialStore::parse(json);
  if (!reparsed || reparsed->to_json() != json) std::abort();
  return 0;
}
