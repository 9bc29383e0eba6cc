// Parsing and validation of an Open Inference Protocol (KServe V2) REST inference request for
// a text model (one BYTES input named "text"), with no I/O. Output names are checked against
// the model by the caller (unknown_output_error), since this library knows no model.
//
// Accepted (everything else is a 400 with a message naming the rule):
//   {
//     "id": "<string>",                     optional, echoed in the response
//     "parameters": { ... },                optional object; "explain": true|false asks for
//                                           explanations (any other value is refused), other
//                                           parameters are accepted and ignored
//     "inputs": [ {                         required, exactly one input
//        "name": "text", "datatype": "BYTES",
//        "shape": [d0, d1, ...],            non-negative integers, at most kMaxShapeRank of them,
//                                           whose product equals the number of strings in data
//        "parameters": { ... },             optional object, ignored
//        "data": ["a", "b"]                 JSON strings, flat or nested exactly as `shape` says
//     } ],
//     "outputs": [ {"name": "<an output of the model>", "parameters": {...}} ]   optional
//   }
// Decisions (documented in docs/api.md):
//   - Unknown fields are rejected at every level except inside `parameters` objects. The
//     protocol lets servers define extension fields; this server defines none, and a misspelled
//     field silently ignored would hide a client bug.
//   - Duplicate keys in any object (parameters included) are rejected.
//   - Empty batches (zero texts) and empty texts are rejected, like POST /predict/batch.
//   - Size limits (InferLimits) answer 413; all other failures 400.
//   - The binary tensor data extension (binary_extension.h) is supported: an input with the
//     parameter `binary_data_size` has no `data`; its texts are that many bytes of the binary
//     part of the body. `binary_data` (output) and `binary_data_output` (request) parameters
//     must be booleans. Texts read from binary data obey the same rules and limits.
//   - `"id": null` is the same as no id (clients that serialise an unset id send it).
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/system/result.hpp>

#include "oip/error.h"
#include "oip/limits.h"

namespace smlapi::oip {

struct InferRequest {
  std::optional<std::string> id;
  std::vector<std::string> texts;  // valid UTF-8, row-major order of the `text` tensor
  // The outputs to return, in the order requested, each named once; empty when none was
  // named (the protocol: then every output of the model is returned).
  std::vector<std::string> outputs;
  // Binary tensor data extension: every output answered as binary data (the request parameter
  // binary_data_output), or these ones (an output's binary_data parameter).
  bool all_outputs_binary = false;
  std::vector<std::string> binary_outputs;

  bool output_binary(std::string_view name) const;
  // The request parameter "explain": add the "explanation", "coverage" and "warnings" output
  // tensors (infer_response.h).
  bool explain = false;
};

// Reusable parser: keeps its JSON buffers between calls, so one instance per thread avoids an
// allocation per request. Not thread-safe; cheap to move.
class InferRequestParser {
 public:
  explicit InferRequestParser(InferLimits limits = {});
  ~InferRequestParser();
  InferRequestParser(InferRequestParser&&) noexcept;
  InferRequestParser& operator=(InferRequestParser&&) noexcept;
  InferRequestParser(const InferRequestParser&) = delete;
  InferRequestParser& operator=(const InferRequestParser&) = delete;

  // `json`: the request, or the JSON header of a binary-extension body; `binary`: the rest of
  // such a body (binary_extension.h: split_binary_body), empty otherwise.
  boost::system::result<InferRequest, OipError> parse(std::string_view json,
                                                      std::string_view binary = {});

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// One-shot convenience over InferRequestParser.
boost::system::result<InferRequest, OipError> parse_infer_request(std::string_view json,
                                                                  const InferLimits& limits,
                                                                  std::string_view binary = {});

}  // namespace smlapi::oip
