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
boost::system::result<std::string_view, ValidationIssue> parse_predict_body(
    simdjson::ondemand::parser& parser, const simdjson::padded_string_view& body,
    const InputLimits& limits);

// Fills `texts` (cleared first) with views into `parser`'s buffers.
boost::system::result<void, ValidationIssue> parse_batch_body(
    simdjson::ondemand::parser& parser, const simdjson::padded_string_view& body,
    const InputLimits& limits, std::vector<std::string_view>& texts);

std::size_t count_code_points(std::string_view utf8);

}  // namespace smlapi::api
