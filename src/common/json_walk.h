// Reading a whole JSON value with simdjson's on-demand parser, which checks only what is read:
// walking every member and element makes a value that is not well-formed JSON (or nests deeper
// than a bound, since the walk recurses) an error, also where nothing of it is wanted. One walk
// for the request bodies (api/predict_request) and the JSON lines `score` reads
// (tabular/json_fields).
#pragma once

#include <cstddef>

#include <simdjson.h>

namespace smlapi::json {

// How numbers are checked. as_number: simdjson's own number rules (an integer beyond 64 bits is
// an error). as_double: any well-formed JSON number, read as a double (ids beyond 64 bits exist).
enum class NumberCheck { as_number, as_double };

// SUCCESS when `value` (at `depth`, 1 for a document's root) is well-formed throughout and nests
// at most `max_depth` levels; otherwise simdjson's error (DEPTH_ERROR past the bound).
simdjson::error_code walk_value(simdjson::ondemand::value value, std::size_t depth,
                                std::size_t max_depth, NumberCheck numbers);

}  // namespace smlapi::json
