// The Open Inference Protocol (KServe V2 REST) routes, over smlapi_oip (pure
// protocol logic) and the VADER models. The compiled-in model and a lexicon
// loaded at start are both versions of "vader"; the path without a version
// uses the default (the loaded lexicon when there is one).
#pragma once

#include "api/call.h"
#include "api/readiness.h"
#include "oip/infer_request.h"
#include "oip/infer_response.h"
#include "vader/model.h"
#include "vader/sentiment_analyzer.h"

#include <memory>
#include <string>
#include <vector>

namespace smlapi::api {

class InferenceEndpoints {
 public:
  // models[0] is the default version.
  InferenceEndpoints(std::vector<std::shared_ptr<const vader::Model>> models, unsigned workers,
                     oip::InferLimits limits, std::string server_version);

  // The route of an OIP path (Route::not_found otherwise); sets call.model_name/model_version.
  Route match(Call& call) const;
  void answer(Call& call, const Readiness& readiness);

 private:
  // Index into models_ of the version asked for, or -1.
  int find_version(const Call& call) const;
  void infer(Call& call, std::size_t version);
  void fail(Call& call, unsigned status, std::string_view message) const;

  std::vector<std::shared_ptr<const vader::Model>> models_;
  std::vector<std::string> versions_;
  std::string server_version_;
  // Per worker: a request parser and one analyzer per model version.
  std::vector<oip::InferRequestParser> parsers_;
  std::vector<std::vector<vader::SentimentAnalyzer>> analyzers_;
  std::vector<std::vector<oip::Scores>> scores_;
};

}  // namespace smlapi::api
