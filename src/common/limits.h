// Every bound the service enforces on what clients send, with its default, written once. The
// HTTP layer (http::ServerLimits), the reference API (api::InputLimits), the Open Inference
// Protocol (oip::InferLimits and its parser's constants) and the defaults `serve --help` prints
// (app/serve_config.cc) all take their values from here; docs/api.md and the OpenAPI document
// state the same numbers.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>

namespace smlapi::limits {

// HTTP: each beyond its bound is refused with the status named.
inline constexpr std::size_t kMaxHeaderBytes = 16 * 1024;           // request line + fields: 431
inline constexpr std::size_t kMaxHeaderFields = 100;                // 431
inline constexpr std::size_t kMaxTargetBytes = 4096;                // request-target: 414
inline constexpr std::size_t kMaxBodyBytes = 64 * 1024;             // 413
inline constexpr std::chrono::milliseconds kHeaderTimeout{10'000};  // whole header (slow-loris)
inline constexpr std::chrono::milliseconds kBodyTimeout{10'000};    // whole body after the header
inline constexpr std::chrono::milliseconds kIdleTimeout{30'000};    // keep-alive wait
inline constexpr std::chrono::milliseconds kWriteTimeout{10'000};   // the client reads our answer
inline constexpr std::uint32_t kMaxRequestsPerConnection = 10'000;  // then "Connection: close"
inline constexpr std::uint32_t kMaxConnections = 10'000;            // all workers; then 503 + close

// What one request may ask a model to score, the same on every API (/predict, /predict/batch,
// OIP infer): 422 beyond (413 for the bytes of a batch, bounded by the body anyway).
inline constexpr std::size_t kMaxTextChars = 10'000;              // code points per text
inline constexpr std::size_t kMaxBatchTexts = 256;                // texts per request
inline constexpr std::size_t kMaxBatchTextBytes = kMaxBodyBytes;  // summed UTF-8 bytes

// JSON request bodies, both parsers. The deepest legitimate request is an OIP one: object >
// inputs array > input object > `data` nested kMaxShapeRank levels (11).
inline constexpr std::size_t kMaxShapeRank = 8;  // dimensions of an OIP `shape`
inline constexpr std::size_t kMaxJsonDepth = 16;
static_assert(kMaxJsonDepth >= 3 + kMaxShapeRank);
inline constexpr std::size_t kMaxRequestedOutputs = 16;  // outputs one OIP request may name

}  // namespace smlapi::limits
