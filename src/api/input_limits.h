// Bounds on what a client may ask the model to score (named in one place; the
// OpenAPI document states the same numbers).
#pragma once

#include <cstddef>

namespace smlapi::api {

struct InputLimits {
  std::size_t max_text_chars = 10'000;           // code points per text
  std::size_t max_batch_texts = 256;             // texts per /predict/batch or OIP infer
  std::size_t max_batch_text_bytes = 64 * 1024;  // summed UTF-8 bytes of a batch
  std::size_t max_json_depth = 32;
};

}  // namespace smlapi::api
