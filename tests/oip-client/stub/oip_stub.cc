// Test stand-in for the service's /v2 handling, used to run the independent client
// (oip_client.py) against the real smlapi_oip code before the server exists. It wires the
// library the way an HTTP handler would: route, authentication, model/version lookup, header
// and Content-Type checks, parse, score, render. Scores are a fake word count, not VADER.
//
// Usage: oip_stub METHOD PATH AUTHORIZED(0|1) CONTENT_TYPE_JSON(0|1) BINARY_HEADER(0|1) < body
// Prints the status code, then the Allow header value (possibly empty), then the body.
#include <array>
#include <initializer_list>
#include <iostream>
#include <iterator>
#include <string>
#include <string_view>
#include <vector>

#include "oip/binary_extension.h"
#include "oip/error.h"
#include "oip/infer_request.h"
#include "oip/infer_response.h"
#include "oip/metadata.h"
#include "oip/output_selection.h"
#include "oip/route.h"

namespace oip = smlapi::oip;

namespace {

constexpr std::string_view kModel = "vader";
constexpr std::array<std::string_view, 2> kVersions = {"builtin-0000test", "lexicon-1111test"};

struct Answer {
  int status = 200;
  std::string body;
  std::string_view allow;
};

Answer error(const oip::OipError& e) {
  return {oip::http_status(e.kind), oip::render_error(e.message), {}};
}

int count_words(std::string_view text, std::initializer_list<std::string_view> words) {
  int count = 0;
  for (std::string_view word : words) {
    for (auto at = text.find(word); at != std::string_view::npos; at = text.find(word, at + 1))
      ++count;
  }
  return count;
}

// The outputs the stub's fake model declares: VADER's four, so the client's checks apply.
const smlapi::model::ModelInfo kModelInfo{std::string(kModel),
                                          std::string(kVersions[0]),
                                          "smlapi_vader",
                                          {{"neg", smlapi::model::Datatype::fp64, ""},
                                           {"neu", smlapi::model::Datatype::fp64, ""},
                                           {"pos", smlapi::model::Datatype::fp64, ""},
                                           {"compound", smlapi::model::Datatype::fp64, ""}},
                                          3};

void append_fake_scores(std::string_view text, std::vector<double>& values) {
  const int positive = count_words(text, {"love", "good", "great", "wonderful", "nice"});
  const int negative = count_words(text, {"hate", "terrible", "bad", "awful"});
  const double total = positive + negative + 1.0;
  values.insert(values.end(),
                {negative / total, 1.0 / total, positive / total, (positive - negative) / total});
}

bool known_version(const oip::RouteMatch& route) {
  if (!route.version) return true;
  for (std::string_view version : kVersions) {
    if (*route.version == version) return true;
  }
  return false;
}

Answer infer(const oip::RouteMatch& route, bool json, bool binary_header, std::string_view body) {
  if (binary_header) {
    return error(
        {oip::OipErrorKind::bad_request, "the stub speaks JSON only (no binary extension)"});
  }
  if (!json)
    return error({oip::OipErrorKind::unsupported_media, "Content-Type must be application/json"});
  auto request = oip::parse_infer_request(body, oip::InferLimits{});
  if (!request) return error(request.error());
  std::vector<oip::OutputColumn> columns;
  if (auto selected = oip::select_outputs(kModelInfo, request->outputs, columns); !selected) {
    return error(selected.error());
  }
  std::vector<double> values;
  for (const auto& text : request->texts) append_fake_scores(text, values);
  const std::string_view version = route.version.value_or(kVersions[0]);
  return {200,
          oip::render_infer_response(kModel, version, request->id, columns, values,
                                     kModelInfo.outputs.size()),
          {}};
}

Answer handle(std::string_view method, std::string_view path, bool authorized, bool json,
              bool binary_header, std::string_view body) {
  const oip::RouteMatch route = oip::match_route(method, path);
  switch (route.kind) {
    case oip::RouteKind::not_found:
      return {404, oip::render_error("not found"), {}};
    case oip::RouteKind::method_not_allowed:
      return {405, oip::render_error("method not allowed"), route.allow};
    case oip::RouteKind::live:
      return {200, oip::render_live(true), {}};
    case oip::RouteKind::ready:
      return {200, oip::render_ready(true), {}};
    default:
      break;
  }
  if (route.kind == oip::RouteKind::server_metadata) {
    return {200, oip::render_server_metadata("secure-ml-api", "0.0.0-stub", {}), {}};
  }
  if (!authorized) return {401, oip::render_error("not authenticated"), {}};
  if (route.kind == oip::RouteKind::model_index) {
    const std::vector<oip::ModelIndexEntry> index = {
        {kModel, {kVersions.begin(), kVersions.end()}, "smlapi_vader"}};
    return {200, oip::render_model_index(index), {}};
  }
  if (route.model != kModel) return error(oip::unknown_model_error());
  if (!known_version(route)) return error(oip::unknown_model_version_error(kModel));
  if (route.kind == oip::RouteKind::model_metadata) {
    return {
        200, oip::render_model_metadata(kModel, kVersions, "smlapi_vader", kModelInfo.outputs), {}};
  }
  if (route.kind == oip::RouteKind::model_ready)
    return {200, oip::render_model_ready(kModel, true), {}};
  return infer(route, json, binary_header, body);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 6) {
    std::cerr << "usage: oip_stub METHOD PATH AUTHORIZED CONTENT_TYPE_JSON BINARY_HEADER < body\n";
    return 2;
  }
  const std::string body(std::istreambuf_iterator<char>(std::cin), {});
  const auto flag = [&](int i) { return std::string_view(argv[i]) == "1"; };
  const Answer answer = handle(argv[1], argv[2], flag(3), flag(4), flag(5), body);
  std::cout << answer.status << '\n' << answer.allow << '\n' << answer.body;
  return 0;
}
