#include "ratelimit/http_headers.h"

#include <algorithm>
#include <charconv>

namespace smlapi::ratelimit {
namespace {

// Policy names are validated to [A-Za-z0-9_.-] (see validate()), so they need no escaping
// inside an sf-string.
void append_name(std::string& out, const Policy& policy) {
  out.push_back('"');
  out.append(policy.name);
  out.push_back('"');
}

// Copies `text` to `at` and returns the end of the copy.
char* put(char* at, std::string_view text) noexcept {
  return std::copy(text.begin(), text.end(), at);
}

// The value built piece by piece, for names too long for the stack buffer.
std::string ratelimit_value_slow(const Policy& policy, const Decision& decision) {
  std::string out;
  append_name(out, policy);
  out.append(";r=").append(std::to_string(decision.remaining));
  out.append(";t=").append(std::to_string(whole_seconds_ceil(decision.reset_after)));
  return out;
}

}  // namespace

std::uint64_t whole_seconds_ceil(Duration duration) noexcept {
  if (duration <= Duration::zero()) return 0;
  constexpr Duration::rep kPerSecond = 1'000'000'000;
  return static_cast<std::uint64_t>((duration.count() + kPerSecond - 1) / kPerSecond);
}

std::string ratelimit_policy_value(const Policy& policy) {
  std::string out;
  out.reserve(policy.name.size() + 32);
  append_name(out, policy);
  out.append(";q=").append(std::to_string(policy.limit));
  out.append(";w=").append(std::to_string(policy.period.count()));
  return out;
}

std::string ratelimit_value(const Policy& policy, const Decision& decision) {
  std::string out;
  out.reserve(policy.name.size() + 32);
  append_ratelimit_value(out, policy, decision);
  return out;
}

void append_ratelimit_value(std::string& out, const Policy& policy, const Decision& decision) {
  if (policy.name.size() > kMaxPolicyNameLength) {  // not a valid policy: never on the hot path
    out.append(ratelimit_value_slow(policy, decision));
    return;
  }
  // Formatted on the stack and appended once: each std::string append costs
  // about as much as formatting a number, and this runs twice per request.
  char text[1 + kMaxPolicyNameLength + 4 + 10 + 3 + 20];  // "name";r=<u32>;t=<u64>
  char* at = text;
  *at++ = '"';
  at = put(at, policy.name);
  at = put(at, "\";r=");
  at = std::to_chars(at, at + 10, decision.remaining).ptr;
  at = put(at, ";t=");
  at = std::to_chars(at, at + 20, whole_seconds_ceil(decision.reset_after)).ptr;
  out.append(text, at);
}

std::string retry_after_value(Duration retry_after) {
  return std::to_string(whole_seconds_ceil(retry_after));
}

}  // namespace smlapi::ratelimit
