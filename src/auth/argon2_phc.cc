#include "auth/argon2_phc.h"

#include <algorithm>
#include <charconv>

namespace smlapi::auth {
namespace {

constexpr std::string_view kPrefix = "$argon2id$v=19$";

bool is_base64_char(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '+' ||
         c == '/';
}

// Decoded size of unpadded standard base64, or std::nullopt if it is not that.
std::optional<std::size_t> base64_decoded_size(std::string_view text) {
  if (text.empty() || text.size() % 4 == 1) return std::nullopt;
  if (!std::all_of(text.begin(), text.end(), is_base64_char)) return std::nullopt;
  return text.size() * 3 / 4;
}

// Reads "<name>=<decimal>" and the separator after it from the front of `text`.
std::optional<std::uint32_t> take_param(std::string_view& text, char name, char separator) {
  if (text.size() < 3 || text[0] != name || text[1] != '=') return std::nullopt;
  std::uint32_t value = 0;
  const char* begin = text.data() + 2;
  const char* end = text.data() + text.size();
  const auto [next, error] = std::from_chars(begin, end, value);
  if (error != std::errc() || next == begin || next == end || *next != separator)
    return std::nullopt;
  if (*begin == '0' && next - begin > 1) return std::nullopt;  // no leading zeros
  text.remove_prefix(static_cast<std::size_t>(next - text.data()) + 1);
  return value;
}

}  // namespace

bool are_valid_params(const Argon2Params& params) {
  return params.iterations >= 1 && params.iterations <= kMaxArgon2Iterations &&
         params.parallelism >= 1 && params.parallelism <= kMaxArgon2Parallelism &&
         params.memory_kib >= 8 * params.parallelism && params.memory_kib <= kMaxArgon2MemoryKib;
}

std::optional<Argon2idPhc> parse_argon2id_phc(std::string_view encoded) {
  if (encoded.substr(0, kPrefix.size()) != kPrefix) return std::nullopt;
  std::string_view rest = encoded.substr(kPrefix.size());
  const auto memory = take_param(rest, 'm', ',');
  const auto iterations = memory ? take_param(rest, 't', ',') : std::nullopt;
  const auto parallelism = iterations ? take_param(rest, 'p', '$') : std::nullopt;
  if (!parallelism) return std::nullopt;

  const std::size_t dollar = rest.find('$');
  if (dollar == std::string_view::npos) return std::nullopt;
  const auto salt = base64_decoded_size(rest.substr(0, dollar));
  const auto tag = base64_decoded_size(rest.substr(dollar + 1));
  if (!salt || !tag || *salt < 8 || *salt > 64 || *tag < 16 || *tag > 64) return std::nullopt;

  Argon2idPhc phc{{*memory, *iterations, *parallelism}, *salt, *tag};
  if (!are_valid_params(phc.params)) return std::nullopt;
  return phc;
}

}  // namespace smlapi::auth
