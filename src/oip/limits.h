// Input limits of the inference endpoint. Defaults match POST /predict/batch so both APIs
// accept exactly the same work per request.
#pragma once

#include <cstddef>

namespace smlapi::oip {

// Deepest JSON nesting accepted in an inference request. The deepest legitimate request is
// object > inputs array > input object > data nested kMaxShapeRank levels.
inline constexpr std::size_t kMaxJsonDepth = 16;
// Most dimensions a `shape` may have; bounds the recursion over nested `data`.
inline constexpr std::size_t kMaxShapeRank = 8;
// Most outputs one request may name (no model has more): bounds the duplicate check.
inline constexpr std::size_t kMaxRequestedOutputs = 16;

struct InferLimits {
  std::size_t max_texts = 256;              // elements in the `text` tensor
  std::size_t max_total_bytes = 64 * 1024;  // sum of the UTF-8 sizes of all texts
  std::size_t max_text_chars = 10'000;      // Unicode code points in one text
};

}  // namespace smlapi::oip
