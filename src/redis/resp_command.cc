#include "redis/resp_command.h"

#include <charconv>

namespace smlapi::redis {
namespace {

void append_length(std::string& out, char marker, std::size_t length) {
  char digits[24];
  auto [end, ec] = std::to_chars(digits, digits + sizeof digits, length);
  out.push_back(marker);
  out.append(digits, end);
  out.append("\r\n");
}

}  // namespace

void append_command(std::string& out, std::span<const std::string_view> args) {
  append_length(out, '*', args.size());
  for (const std::string_view arg : args) {
    append_length(out, '$', arg.size());
    out.append(arg);
    out.append("\r\n");
  }
}

}  // namespace smlapi::redis
