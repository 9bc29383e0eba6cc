// A copy of a few bytes without a call: most of what the request path copies into fixed-size
// records is short (span names, attribute keys, "/predict", "127.0.0.1"), and a call to memcpy
// with a length known only at run time costs more than such a copy. Longer copies go to memcpy.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>

namespace smlapi {

[[gnu::always_inline]] inline void copy_short(void* destination, const void* source,
                                              std::size_t n) {
  auto* out = static_cast<unsigned char*>(destination);
  const auto* in = static_cast<const unsigned char*>(source);
  if (n > 16) {
    std::memcpy(out, in, n);
  } else if (n >= 8) {  // two words, overlapping when n < 16
    std::uint64_t first;
    std::uint64_t last;
    std::memcpy(&first, in, 8);
    std::memcpy(&last, in + n - 8, 8);
    std::memcpy(out, &first, 8);
    std::memcpy(out + n - 8, &last, 8);
  } else if (n >= 4) {
    std::uint32_t first;
    std::uint32_t last;
    std::memcpy(&first, in, 4);
    std::memcpy(&last, in + n - 4, 4);
    std::memcpy(out, &first, 4);
    std::memcpy(out + n - 4, &last, 4);
  } else {
    for (std::size_t i = 0; i < n; ++i) out[i] = in[i];
  }
}

}  // namespace smlapi
