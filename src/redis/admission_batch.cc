#include "redis/admission_batch.h"

#include <hiredis/hiredis.h>

#include <bit>
#include <charconv>
#include <cstring>
#include <functional>

#include "redis/gcra_reply.h"
#include "redis/lua_scripts.h"
#include "redis/redis_revocation_store.h"
#include "redis/redis_store.h"

namespace smlapi::redis {
namespace {

using ratelimit::AdmissionQuery;
using ratelimit::AdmissionResults;
using ratelimit::Listing;

constexpr long long kNotRun = -1;
constexpr std::size_t kIntegerBytes = sizeof(std::int64_t);  // struct.pack's '<i8'
constexpr std::size_t kCommandHead = 3;                      // EVALSHA, sha1, key count

// A decision's first value: 1 allowed, 0 refused, kNotRun.
bool is_decision(long long allowed) { return allowed == 0 || allowed == 1; }

}  // namespace

AdmissionScripts::AdmissionScripts()
    : steps(std::string(lua::kGcraFunction) + lua::kAdmissionStepsMain) {}

AdmissionBatch::AdmissionBatch(const RedisStore& limits, const RedisRevocationStore& deny_list,
                               const Script& script)
    : limits_(limits), deny_list_(deny_list), script_(script) {}

bool AdmissionBatch::needs_redis(const AdmissionQuery& query) noexcept {
  return query.address.has_value() || query.jti.has_value() || query.subject.has_value();
}

template <class Append>
std::uint8_t AdmissionBatch::add_key(bool asked, Append&& append) {
  if (!asked) return 0;
  const std::size_t start = text_.size();
  append();
  const std::string_view key(text_.data() + start, text_.size() - start);
  const std::uint64_t hash = std::hash<std::string_view>{}(key);
  for (std::size_t i = 0; i < keys_.size(); ++i) {
    const Key& known = keys_[i];
    if (known.hash == hash &&
        std::string_view(text_.data() + known.text.offset, known.text.length) == key) {
      text_.resize(start);
      return static_cast<std::uint8_t>(i + 1);
    }
  }
  keys_.push_back(Key{hash, Piece{start, key.size()}});
  return static_cast<std::uint8_t>(keys_.size());
}

void AdmissionBatch::add(const AdmissionQuery& query) {
  views_current_ = false;
  const std::uint8_t step[] = {
      add_key(query.address.has_value(),
              [&] { limits_.append_redis_key(text_, query.address->key); }),
      add_key(query.jti.has_value(), [&] { deny_list_.append_redis_key(text_, *query.jti); }),
      add_key(query.subject.has_value(),
              [&] { limits_.append_redis_key(text_, query.subject->key); }),
      intern_policy(query.address), intern_policy(query.subject)};
  steps_.append(reinterpret_cast<const char*>(step), sizeof step);
  ++requests_;
}

void AdmissionBatch::clear() {
  text_.clear();
  keys_.clear();
  policies_.clear();
  policy_args_.clear();
  steps_.clear();
  views_.clear();
  requests_ = 0;
  views_current_ = false;
}

std::uint8_t AdmissionBatch::intern_policy(const std::optional<ratelimit::LimitQuery>& limit) {
  if (!limit.has_value()) return 0;
  for (std::size_t i = 0; i < policies_.size(); ++i) {
    if (policies_[i] == limit->policy) return static_cast<std::uint8_t>(i + 1);
  }
  policies_.push_back(limit->policy);
  add_number(static_cast<std::uint64_t>(emission_interval_micros(*limit->policy)));
  add_number(limit->policy->burst);
  return static_cast<std::uint8_t>(policies_.size());
}

void AdmissionBatch::add_number(std::uint64_t value) {
  char digits[24];
  const auto written = std::to_chars(std::begin(digits), std::end(digits), value);
  const std::size_t length = static_cast<std::size_t>(written.ptr - digits);
  policy_args_.push_back(Piece{text_.size(), length});
  text_.append(digits, length);
}

void AdmissionBatch::build_views() {
  if (views_current_) return;
  key_count_ = std::to_string(keys_.size());
  views_.clear();
  views_.reserve(kCommandHead + keys_.size() + 1 + policy_args_.size());
  views_.insert(views_.end(), {"EVALSHA", script_.sha1(), key_count_});
  const auto view = [this](const Piece& piece) {
    return std::string_view(text_.data() + piece.offset, piece.length);
  };
  for (const Key& key : keys_) views_.push_back(view(key.text));
  views_.push_back(steps_);
  for (const Piece& arg : policy_args_) views_.push_back(view(arg));
  views_current_ = true;
}

std::span<const std::string_view> AdmissionBatch::keys() {
  build_views();
  return std::span<const std::string_view>(views_).subspan(kCommandHead, keys_.size());
}

std::span<const std::string_view> AdmissionBatch::args() {
  build_views();
  return std::span<const std::string_view>(views_).subspan(kCommandHead + keys_.size());
}

std::span<const std::string_view> AdmissionBatch::evalsha() {
  build_views();
  return views_;
}

std::optional<AdmissionResults> AdmissionBatch::read(const redisReply& reply, std::size_t requests,
                                                     std::size_t index,
                                                     const AdmissionQuery& query) {
  if (reply.type != REDIS_REPLY_STRING || index >= requests ||
      reply.len != requests * kReplyWidth * kIntegerBytes) {
    return std::nullopt;
  }
  long long values[kReplyWidth] = {};
  static_assert(sizeof(long long) == kIntegerBytes);
  const auto* bytes =
      reinterpret_cast<const unsigned char*>(reply.str) + index * kReplyWidth * kIntegerBytes;
  static_assert(std::endian::native == std::endian::little, "struct.pack's '<i8' is little-endian");
  std::memcpy(values, bytes, sizeof values);
  const std::span<const long long, kReplyWidth> all(values);
  const long long address = values[0], listed = values[4], subject = values[5];

  AdmissionResults results;
  if (query.address.has_value() != is_decision(address)) return std::nullopt;
  if (query.address.has_value()) {
    results.address = gcra_decision(all.subspan<0, 4>());
    if (!results.address->allowed) {
      // A refused address: nothing after it ran.
      if (listed != kNotRun || subject != kNotRun) return std::nullopt;
      return results;
    }
  }
  if (query.jti.has_value() != (listed == 0 || listed == 1)) return std::nullopt;
  if (query.jti.has_value()) results.listing = listed == 1 ? Listing::listed : Listing::absent;
  const bool subject_runs = query.subject.has_value() && listed != 1;
  if (subject_runs != is_decision(subject)) return std::nullopt;
  if (subject_runs) results.subject = gcra_decision(all.subspan<5, 4>());
  return results;
}

}  // namespace smlapi::redis
