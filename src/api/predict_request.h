// Strict parsing of the /predict and /predict/batch bodies: exactly the
// documented fields, no unknown or duplicate keys, right types, bounded sizes.
// Failures are 422 ValidationIssues in the reference design's shape.
#pragma once

#include "api/errors.h"
#include "api/input_limits.h"

#include <simdjson.h>
#include <boost/system/result.hpp>

#include <string_view>
#include <vector>

namespace smlapi::api {

// Returns the text; the view points into `parser`'s buffers (valid until its next parse).
// With `model` given, an optional "model" field is accepted and its value stored there (left
// as it is when absent); without it, "model" is an unknown field like any other.
boost::system::result<std::string_view, ValidationIssue> parse_predict_body(
    simdjson::ondemand::parser& parser, const simdjson::padded_string_view& body,
    const InputLimits& limits, std::string_view* model = nullptr);

// Fills `texts` (cleared first) with views into `parser`'s buffers.
boost::system::result<void, ValidationIssue> parse_batch_body(
    simdjson::ondemand::parser& parser, const simdjson::padded_string_view& body,
    const InputLimits& limits, std::vector<std::string_view>& texts,
    std::string_view* model = nullptr);

}  // namespace smlapi::api
