// Bounds on what a client may ask a model to score through the reference API; defaults in
// common/limits.h (the OpenAPI document states the same numbers).
#pragma once

#include "common/limits.h"

#include <cstddef>

namespace smlapi::api {

struct InputLimits {
  std::size_t max_text_chars = limits::kMaxTextChars;             // code points per text
  std::size_t max_batch_texts = limits::kMaxBatchTexts;           // texts per /predict/batch
  std::size_t max_batch_text_bytes = limits::kMaxBatchTextBytes;  // summed UTF-8 bytes
  std::size_t max_json_depth = limits::kMaxJsonDepth;
};

}  // namespace smlapi::api
