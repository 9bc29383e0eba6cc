#include "federation/cache_control.h"

#include <algorithm>
#include <charconv>
#include <cstdint>

namespace smlapi::federation {
namespace {

std::string_view trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

bool equals_lowercase(std::string_view text, std::string_view lower) {
  return text.size() == lower.size() &&
         std::equal(text.begin(), text.end(), lower.begin(), [](char a, char b) {
           return (a >= 'A' && a <= 'Z' ? char(a - 'A' + 'a') : a) == b;
         });
}

}  // namespace

std::chrono::seconds keys_lifetime(std::string_view cache_control) {
  std::chrono::seconds lifetime = kDefaultKeysLifetime;
  while (!cache_control.empty()) {
    const std::size_t comma = std::min(cache_control.find(','), cache_control.size());
    const std::string_view directive = trim(cache_control.substr(0, comma));
    cache_control.remove_prefix(std::min(comma + 1, cache_control.size()));
    if (equals_lowercase(directive, "no-store") || equals_lowercase(directive, "no-cache")) {
      return kMinKeysLifetime;
    }
    const std::size_t equals = directive.find('=');
    if (equals == std::string_view::npos ||
        !equals_lowercase(trim(directive.substr(0, equals)), "max-age")) {
      continue;
    }
    std::string_view value = trim(directive.substr(equals + 1));
    if (value.size() >= 2 && value.front() == '"' && value.back() == '"') {
      value = value.substr(1, value.size() - 2);
    }
    std::uint64_t seconds = 0;
    const auto [end, error] = std::from_chars(value.data(), value.data() + value.size(), seconds);
    if (error == std::errc::result_out_of_range) {
      lifetime = kMaxKeysLifetime;
    } else if (error == std::errc() && end == value.data() + value.size()) {
      lifetime = std::chrono::seconds(
          std::min<std::uint64_t>(seconds, static_cast<std::uint64_t>(kMaxKeysLifetime.count())));
    }
  }
  return std::clamp(lifetime, kMinKeysLifetime, kMaxKeysLifetime);
}

}  // namespace smlapi::federation
