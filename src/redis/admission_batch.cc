#include "redis/admission_batch.h"

#include <hiredis/hiredis.h>

#include <charconv>
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
constexpr std::size_t kArgsPerRequest = 7;
constexpr std::size_t kCommandHead = 3;  // EVALSHA, sha1, key count

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

void AdmissionBatch::add(const AdmissionQuery& query) {
  views_current_ = false;
  std::size_t address = 0, deny = 0, subject = 0;
  if (query.address.has_value()) {
    const std::size_t start = text_.size();
    text_.append(limits_.redis_key(query.address->key));
    address = intern_key(start);
  }
  if (query.jti.has_value()) {
    const std::size_t start = text_.size();
    text_.append(deny_list_.redis_key(*query.jti));
    deny = intern_key(start);
  }
  if (query.subject.has_value()) {
    const std::size_t start = text_.size();
    text_.append(limits_.redis_key(query.subject->key));
    subject = intern_key(start);
  }
  for (const std::size_t index : {address, deny, subject}) add_number(index);
  add_limit_args(query.address);
  add_limit_args(query.subject);
  ++requests_;
}

void AdmissionBatch::clear() {
  text_.clear();
  keys_.clear();
  args_.clear();
  views_.clear();
  requests_ = 0;
  views_current_ = false;
}

std::size_t AdmissionBatch::intern_key(std::size_t start) {
  const std::string_view key(text_.data() + start, text_.size() - start);
  const std::uint64_t hash = std::hash<std::string_view>{}(key);
  for (std::size_t i = 0; i < keys_.size(); ++i) {
    const Key& known = keys_[i];
    if (known.hash == hash &&
        std::string_view(text_.data() + known.text.offset, known.text.length) == key) {
      text_.resize(start);
      return i + 1;
    }
  }
  keys_.push_back(Key{hash, Piece{start, key.size()}});
  return keys_.size();
}

void AdmissionBatch::add_number(std::uint64_t value) {
  char digits[24];
  const auto written = std::to_chars(std::begin(digits), std::end(digits), value);
  const std::size_t length = static_cast<std::size_t>(written.ptr - digits);
  args_.push_back(Piece{text_.size(), length});
  text_.append(digits, length);
}

void AdmissionBatch::add_limit_args(const std::optional<ratelimit::LimitQuery>& limit) {
  add_number(
      limit.has_value() ? static_cast<std::uint64_t>(emission_interval_micros(*limit->policy)) : 0);
  add_number(limit.has_value() ? limit->policy->burst : 0);
}

void AdmissionBatch::build_views() {
  if (views_current_) return;
  key_count_ = std::to_string(keys_.size());
  views_.clear();
  views_.reserve(kCommandHead + keys_.size() + args_.size());
  views_.insert(views_.end(), {"EVALSHA", script_.sha1(), key_count_});
  const auto view = [this](const Piece& piece) {
    return std::string_view(text_.data() + piece.offset, piece.length);
  };
  for (const Key& key : keys_) views_.push_back(view(key.text));
  for (const Piece& arg : args_) views_.push_back(view(arg));
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
  if (reply.type != REDIS_REPLY_ARRAY || index >= requests ||
      reply.elements != requests * kReplyWidth) {
    return std::nullopt;
  }
  long long values[kReplyWidth] = {};
  for (std::size_t i = 0; i < kReplyWidth; ++i) {
    const redisReply& element = *reply.element[index * kReplyWidth + i];
    if (element.type != REDIS_REPLY_INTEGER) return std::nullopt;
    values[i] = element.integer;
  }
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
