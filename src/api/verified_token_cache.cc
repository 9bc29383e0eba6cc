#include "api/verified_token_cache.h"

#include <bit>
#include <functional>

namespace smlapi::api {

VerifiedTokenCache::VerifiedTokenCache(std::size_t slots)
    : slots_(std::bit_ceil(slots == 0 ? std::size_t{1} : slots)) {}

std::size_t VerifiedTokenCache::slot_of(std::string_view token) const {
  return std::hash<std::string_view>{}(token) & (slots_.size() - 1);
}

const auth::VerifiedToken* VerifiedTokenCache::find(std::string_view token, std::int64_t now,
                                                    std::int64_t leeway_seconds) const {
  const Slot& slot = slots_[slot_of(token)];
  if (slot.token.empty() || slot.token != token) return nullptr;
  if (now >= slot.verified.expires_at + leeway_seconds) return nullptr;
  return &slot.effective;
}

void VerifiedTokenCache::insert(std::string_view token, const auth::VerifiedToken& verified,
                                const auth::VerifiedToken& effective) {
  Slot& slot = slots_[slot_of(token)];
  slot.token.assign(token);
  slot.verified = verified;
  slot.effective = effective;
}

void VerifiedTokenCache::clear() {
  for (Slot& slot : slots_) slot.token.clear();
}

}  // namespace smlapi::api
