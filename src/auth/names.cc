#include "auth/names.h"

#include <algorithm>

namespace smlapi::auth {
namespace {

bool is_ascii_alnum(char c) noexcept {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

bool has_valid_length(std::string_view name) noexcept {
  return !name.empty() && name.size() <= kMaxNameLength;
}

}  // namespace

bool is_valid_principal_name(std::string_view name) noexcept {
  return has_valid_length(name) && std::all_of(name.begin(), name.end(), [](char c) {
           return is_ascii_alnum(c) || c == '.' || c == '_' || c == '@' || c == '-';
         });
}

bool is_valid_key_id(std::string_view kid) noexcept {
  return has_valid_length(kid) && is_ascii_alnum(kid.front()) &&
         std::all_of(kid.begin(), kid.end(),
                     [](char c) { return is_ascii_alnum(c) || c == '.' || c == '_' || c == '-'; });
}

}  // namespace smlapi::auth
