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
//   - The binary tensor extension is not implemented: `binary_data*` parameters are refused
//     with the same message as the Inference-Header-Content-Length header (binary_extension.h).
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

  boost::system::result<InferRequest, OipError> parse(std::string_view body);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// One-shot convenience over InferRequestParser.
boost::system::result<InferRequest, OipError> parse_infer_request(std::string_view body,
                                                                  const InferLimits& limits);

}  // namespace smlapi::oip
