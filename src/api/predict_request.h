// Strict parsing of the /predict and /predict/batch bodies: exactly the
// documented fields, no unknown or duplicate keys, right types, bounded sizes.
// Failures are 422 ValidationIssues in the reference design's shape: every issue the body has
// (unknown, duplicate and missing fields, each refused text, ...) in document order, or the JSON
// error alone when the body is not well-formed JSON.
#pragma once

#include "api/errors.h"
#include "api/input_limits.h"

#include <simdjson.h>
#include <boost/system/result.hpp>

#include <string_view>
#include <vector>

namespace smlapi::api {

// The optional fields of both bodies besides the text(s).
struct BodyOptions {
  std::string_view model;  // "model": a family name; empty when absent
  bool explain = false;    // "explain": true asks for explanations (a JSON boolean, else 422)
};

// Returns the text; the view points into `parser`'s buffers (valid until its next parse).
// With `options` given, the optional "model" and "explain" fields are accepted and stored
// there (left as they are when absent); without it, they are unknown fields like any other.
boost::system::result<std::string_view, ValidationIssues> parse_predict_body(
    simdjson::ondemand::parser& parser, const simdjson::padded_string_view& body,
    const InputLimits& limits, BodyOptions* options = nullptr);

// Fills `texts` (cleared first) with views into `parser`'s buffers.
boost::system::result<void, ValidationIssues> parse_batch_body(
    simdjson::ondemand::parser& parser, const simdjson::padded_string_view& body,
    const InputLimits& limits, std::vector<std::string_view>& texts,
    BodyOptions* options = nullptr);

}  // namespace smlapi::api
