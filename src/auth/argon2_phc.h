// The PHC string form of Argon2id hashes, e.g.
//   $argon2id$v=19$m=19456,t=2,p=1$<salt, base64 unpadded>$<tag, base64 unpadded>
// Parsed before libargon2 sees a stored hash, so a tampered or corrupt credential file cannot
// make every login allocate gigabytes or spin for minutes: parameters must lie in sane bounds.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace smlapi::auth {

struct Argon2Params {
  // OWASP Password Storage Cheat Sheet, Argon2id minimum: 19 MiB, 2 iterations, 1 lane.
  std::uint32_t memory_kib = 19456;
  std::uint32_t iterations = 2;
  std::uint32_t parallelism = 1;

  friend bool operator==(const Argon2Params&, const Argon2Params&) = default;
};

inline constexpr std::uint32_t kMaxArgon2MemoryKib = 256 * 1024;  // 256 MiB
inline constexpr std::uint32_t kMaxArgon2Iterations = 16;
inline constexpr std::uint32_t kMaxArgon2Parallelism = 16;

struct Argon2idPhc {
  Argon2Params params;
  std::size_t salt_bytes = 0;
  std::size_t tag_bytes = 0;
};

// std::nullopt unless `encoded` is an argon2id v=19 PHC string with parameters within bounds,
// a salt of 8-64 bytes and a tag of 16-64 bytes.
std::optional<Argon2idPhc> parse_argon2id_phc(std::string_view encoded);

bool are_valid_params(const Argon2Params& params);

}  // namespace smlapi::auth
