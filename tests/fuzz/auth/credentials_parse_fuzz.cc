// Arbitrary bytes as a credential file. Invariant: parsing never crashes, and whatever parses
// serializes to a document that parses again to the same serialization (round trip).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "auth/credential_store.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const auto store = smlapi::auth::CredentialStore::parse(input);
  if (!store) return 0;
  const std::string json = store->to_json();
  const auto reparsed = smlapi::auth::CredentialStore::parse(json);
  if (!reparsed || reparsed->to_json() != json) std::abort();
  return 0;
}
