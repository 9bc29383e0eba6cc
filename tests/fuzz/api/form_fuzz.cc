// Fuzzes application/x-www-form-urlencoded parsing. Invariants: never crash; at
// most 16 parameters; and what is accepted survives a round trip (encoding the
// fields again and parsing them gives the same fields).
#include "api/form_body.h"

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

namespace {

// An invariant that must hold; names the broken one before aborting.
#define FUZZ_CHECK(condition)                                                                \
  do {                                                                                       \
    if (!(condition)) {                                                                      \
      std::fprintf(stderr, "%s:%d: invariant failed: %s\n", __FILE__, __LINE__, #condition); \
      std::abort();                                                                          \
    }                                                                                        \
  } while (false)

void encode(std::string_view in, std::string& out) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  for (char c : in) {
    auto u = static_cast<unsigned char>(c);
    bool plain = (u >= 'a' && u <= 'z') || (u >= 'A' && u <= 'Z') || (u >= '0' && u <= '9') ||
                 u == '-' || u == '_' || u == '.' || u == '~';
    if (plain) {
      out.push_back(c);
    } else if (u == ' ') {
      out.push_back('+');
    } else {
      out.push_back('%');
      out.push_back(kHex[u >> 4]);
      out.push_back(kHex[u & 0xF]);
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view body(reinterpret_cast<const char*>(data), size);
  auto fields = smlapi::api::parse_form(body);
  if (!fields.has_value()) return 0;
  FUZZ_CHECK(fields->size() <= 16);

  std::string again;
  for (const auto& [name, value] : *fields) {
    if (!again.empty()) again.push_back('&');
    encode(name, again);
    again.push_back('=');
    encode(value, again);
  }
  auto reparsed = smlapi::api::parse_form(again);
  // An empty name encodes to "=value", which is still a parameter named "".
  FUZZ_CHECK(reparsed.has_value());
  FUZZ_CHECK(*reparsed == *fields);

  std::string decoded;
  if (smlapi::api::form_decode(body, decoded)) FUZZ_CHECK(decoded.size() <= body.size());
  return 0;
}
