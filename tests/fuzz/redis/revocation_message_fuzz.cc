// Fuzzes the deny-list's pub/sub message parser: anything a Redis channel carries either is
// refused or parses to an entry whose own message parses back to the same entry.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "redis/deny_list_mirror.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view message(reinterpret_cast<const char*>(data), size);
  const auto entry = smlapi::redis::parse_revocation_message(message);
  if (!entry.has_value()) return 0;
  if (entry->key.empty()) std::abort();
  const auto again =
      smlapi::redis::parse_revocation_message(smlapi::redis::revocation_message(*entry));
  if (!again.has_value() || again->key != entry->key || again->deny_until != entry->deny_until) {
    std::abort();
  }
  return 0;
}
