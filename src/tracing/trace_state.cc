#include "tracing/trace_state.h"

#include <array>
#include <cstring>

namespace smlapi::tracing {

std::string_view to_string(TraceStateError error) {
  switch (error) {
    case TraceStateError::bad_key:
      return "bad_key";
    case TraceStateError::bad_value:
      return "bad_value";
    case TraceStateError::duplicate_key:
      return "duplicate_key";
    case TraceStateError::too_many_members:
      return "too_many_members";
    case TraceStateError::no_equals:
      return "no_equals";
  }
  return "bad_key";
}

namespace {

bool lcalpha(char c) { return c >= 'a' && c <= 'z'; }
bool digit(char c) { return c >= '0' && c <= '9'; }
bool key_char(char c) {
  return lcalpha(c) || digit(c) || c == '_' || c == '-' || c == '*' || c == '/';
}

// simple-key = lcalpha 0*255(lcalpha / DIGIT / "_" / "-"/ "*" / "/")
// multi-tenant-key = tenant-id "@" system-id
//   tenant-id = ( lcalpha / DIGIT ) 0*240( lcalpha / DIGIT / "_" / "-"/ "*" / "/" )
//   system-id = lcalpha 0*13( lcalpha / DIGIT / "_" / "-"/ "*" / "/" )
bool valid_key_part(std::string_view part, bool digit_first, std::size_t max) {
  if (part.empty() || part.size() > max) return false;
  if (!(lcalpha(part[0]) || (digit_first && digit(part[0])))) return false;
  for (char c : part.substr(1)) {
    if (!key_char(c)) return false;
  }
  return true;
}

bool valid_key(std::string_view key) {
  const auto at = key.find('@');
  if (at == std::string_view::npos) return valid_key_part(key, false, 256);
  return valid_key_part(key.substr(0, at), true, 241) &&
         valid_key_part(key.substr(at + 1), false, 14);
}

// value = 0*255(chr) nblk-chr; nblk-chr = %x21-2B / %x2D-3C / %x3E-7E; chr = %x20 / nblk-chr
bool valid_value(std::string_view value) {
  if (value.empty() || value.size() > 256 || value.back() == ' ') return false;
  for (char c : value) {
    if (c < 0x20 || c > 0x7E || c == ',' || c == '=') return false;
  }
  return true;
}

std::string_view trim_ows(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

struct Members {
  std::array<std::string_view, kMaxTraceStateMembers> member{};
  std::array<std::size_t, kMaxTraceStateMembers> key_length{};
  std::size_t count = 0;
};

boost::system::result<void, TraceStateError> split(std::string_view header, Members& members) {
  while (true) {
    const auto comma = header.find(',');
    const std::string_view entry = trim_ows(header.substr(0, comma));
    if (!entry.empty()) {
      const auto equals = entry.find('=');
      if (equals == std::string_view::npos) return TraceStateError::no_equals;
      const std::string_view key = entry.substr(0, equals);
      if (!valid_key(key)) return TraceStateError::bad_key;
      if (!valid_value(entry.substr(equals + 1))) return TraceStateError::bad_value;
      for (std::size_t i = 0; i < members.count; ++i) {
        if (members.member[i].substr(0, members.key_length[i]) == key) {
          return TraceStateError::duplicate_key;
        }
      }
      if (members.count == kMaxTraceStateMembers) return TraceStateError::too_many_members;
      members.member[members.count] = entry;
      members.key_length[members.count] = equals;
      ++members.count;
    }
    if (comma == std::string_view::npos) return {};
    header.remove_prefix(comma + 1);
  }
}

std::size_t joined_length(const Members& members,
                          const std::array<bool, kMaxTraceStateMembers>& kept) {
  std::size_t length = 0;
  std::size_t count = 0;
  for (std::size_t i = 0; i < members.count; ++i) {
    if (!kept[i]) continue;
    length += members.member[i].size();
    ++count;
  }
  return length + (count > 0 ? count - 1 : 0);
}

}  // namespace

boost::system::result<std::size_t, TraceStateError> normalize_tracestate(
    std::string_view header, std::span<char, kMaxTraceStateLength> out) {
  Members members;
  if (auto parsed = split(header, members); !parsed) return parsed.error();
  std::array<bool, kMaxTraceStateMembers> kept{};
  for (std::size_t i = 0; i < members.count; ++i) kept[i] = true;
  // Too long: large entries first, then from the right.
  for (std::size_t i = 0; i < members.count && joined_length(members, kept) > kMaxTraceStateLength;
       ++i) {
    if (members.member[i].size() > kLargeTraceStateMember) kept[i] = false;
  }
  for (std::size_t i = members.count; i > 0 && joined_length(members, kept) > kMaxTraceStateLength;
       --i) {
    kept[i - 1] = false;
  }
  std::size_t length = 0;
  for (std::size_t i = 0; i < members.count; ++i) {
    if (!kept[i]) continue;
    if (length > 0) out[length++] = ',';
    std::memcpy(out.data() + length, members.member[i].data(), members.member[i].size());
    length += members.member[i].size();
  }
  return length;
}

}  // namespace smlapi::tracing
