// Fuzzes the inference request parser and, for accepted requests, the response renderer.
// Invariants checked: no crash or sanitizer report; an accepted request holds 1..max_texts
// texts within the limits and at most kMaxRequestedOutputs distinct output names; a response
// rendered for a four-output model is a JSON object; every error has a message.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "oip/binary_extension.h"
#include "oip/infer_request.h"
#include "oip/infer_response.h"
#include "oip/metadata.h"
#include "oip/output_selection.h"
#include "oip/route.h"

namespace {

void require(bool condition) {
  if (!condition) std::abort();
}

void check_accepted(const smlapi::oip::InferRequest& request,
                    const smlapi::oip::InferLimits& limits) {
  require(!request.texts.empty() && request.texts.size() <= limits.max_texts);
  std::size_t total = 0;
  for (const auto& text : request.texts) total += text.size();
  require(total <= limits.max_total_bytes);
  require(request.outputs.size() <= smlapi::oip::kMaxRequestedOutputs);
  for (std::size_t i = 0; i < request.outputs.size(); ++i) {
    for (std::size_t j = 0; j < i; ++j) require(request.outputs[i] != request.outputs[j]);
  }
  static const smlapi::model::ModelInfo kModel{"m",
                                               "v1",
                                               "p",
                                               {{"neg", smlapi::model::Datatype::fp64, ""},
                                                {"neu", smlapi::model::Datatype::fp64, ""},
                                                {"pos", smlapi::model::Datatype::fp64, ""},
                                                {"n", smlapi::model::Datatype::int64, ""}},
                                               0};
  std::vector<smlapi::oip::OutputColumn> columns;
  if (!smlapi::oip::select_outputs(kModel, request.outputs, columns)) return;
  for (auto& column : columns) column.binary = request.output_binary(column.spec->name);
  const std::vector<double> values(request.texts.size() * 4, 0.25);
  std::string binary;
  const std::string body = smlapi::oip::render_infer_response(
      "m", "v1", request.id ? std::optional<std::string_view>(*request.id) : std::nullopt, columns,
      values, 4, {}, binary);
  require(body.front() == '{' && body.back() == '}');
  require(binary.size() % 8 == 0);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  smlapi::oip::InferLimits limits;
  limits.max_texts = 16;  // small limits reach the limit paths with small inputs
  limits.max_total_bytes = 512;
  limits.max_text_chars = 64;
  // Inputs starting with "B<d>" are binary-extension bodies whose JSON header is the next <d>
  // (a decimal digit, times 32) bytes: the split, the BYTES decoding and their checks get fuzzed.
  std::string_view json = input;
  std::string_view binary;
  if (input.size() >= 2 && input[0] == 'B') {
    const std::string length = std::to_string((input[1] - '0') * 32);
    const auto split = smlapi::oip::split_binary_body(input.substr(2), length);
    if (!split) return 0;
    json = split->json;
    binary = split->binary;
  }
  const auto parsed = smlapi::oip::parse_infer_request(json, limits, binary);
  if (parsed.has_value()) {
    check_accepted(*parsed, limits);
  } else {
    require(!parsed.error().message.empty());
    require(!smlapi::oip::render_error(parsed.error().message).empty());
  }
  // The same bytes as a path exercise the route matcher.
  const auto route = smlapi::oip::match_route("POST", input);
  require(route.kind == smlapi::oip::RouteKind::not_found || !route.route_template.empty());
  return 0;
}
