// The Open Inference Protocol (KServe V2 REST) routes, over smlapi_oip (pure protocol logic)
// and the model registry: every model family is /v2/models/<name>, every version of it
// /v2/models/<name>/versions/<version>; the path without a version uses the family's default.
#pragma once

#include "api/call.h"
#include "api/readiness.h"
#include "model/model_registry.h"
#include "oip/infer_request.h"
#include "oip/infer_response.h"

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace smlapi::api {

class InferenceEndpoints {
 public:
  // Models come from the worker's registry (WorkerState::models()).
  InferenceEndpoints(unsigned workers, oip::InferLimits limits, std::string server_version);

  // The route of an OIP path (Route::not_found otherwise); sets call.model_name/model_version.
  Route match(Call& call) const;
  void answer(Call& call, const Readiness& readiness);

 private:
  void model_index(Call& call) const;
  void model_metadata(Call& call, const model::Family& family) const;
  void infer(Call& call, std::size_t slot);
  void fail(Call& call, const oip::OipError& error) const;
  void fail(Call& call, unsigned status, std::string_view message) const;

  std::string server_version_;
  // Per text of a request: the language check and, when asked for, the explanations (one
  // string holding them all, `ends` marking where each stops).
  struct Readings {
    std::vector<double> coverage;
    std::vector<std::uint8_t> warnings;
    std::string explanations;
    std::vector<std::size_t> ends;
    std::vector<std::string_view> views;
  };

  // Per worker: a request parser, the selected output columns and the readings (reused
  // buffers).
  std::vector<oip::InferRequestParser> parsers_;
  std::vector<std::vector<oip::OutputColumn>> columns_;
  std::vector<Readings> readings_;
};

}  // namespace smlapi::api
