// Input limits of the inference endpoint. Defaults (common/limits.h) are those of
// POST /predict/batch, so both APIs accept exactly the same work per request.
#pragma once

#include "common/limits.h"

#include <cstddef>

namespace smlapi::oip {

// Deepest JSON nesting accepted in an inference request (the same for /predict).
inline constexpr std::size_t kMaxJsonDepth = limits::kMaxJsonDepth;
// Most dimensions a `shape` may have; bounds the recursion over nested `data`.
inline constexpr std::size_t kMaxShapeRank = limits::kMaxShapeRank;
// Most outputs one request may name (no model has more): bounds the duplicate check.
inline constexpr std::size_t kMaxRequestedOutputs = limits::kMaxRequestedOutputs;

struct InferLimits {
  std::size_t max_texts = limits::kMaxBatchTexts;            // elements in the `text` tensor
  std::size_t max_total_bytes = limits::kMaxBatchTextBytes;  // summed UTF-8 sizes of all texts
  std::size_t max_text_chars = limits::kMaxTextChars;        // code points in one text
};

}  // namespace smlapi::oip
