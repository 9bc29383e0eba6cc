// The raw encoding of a BYTES tensor in raw_input_contents / raw_output_contents, as
// tritonclient writes it: each element as a 4-byte little-endian length, then its bytes, with
// nothing between elements. Pure.
#pragma once

#include <boost/system/result.hpp>

#include <string>
#include <string_view>
#include <vector>

namespace smlapi::grpc_api {

struct RawContentsError {
  std::string message;  // for the client; names the rule, never echoes the bytes
};

// The elements of one raw BYTES tensor, as views into `raw`.
boost::system::result<std::vector<std::string_view>, RawContentsError> split_raw_bytes(
    std::string_view raw);

// Appends one element in the raw encoding (for clients, tests and the bench driver).
void append_raw_bytes(std::string& out, std::string_view element);

}  // namespace smlapi::grpc_api
