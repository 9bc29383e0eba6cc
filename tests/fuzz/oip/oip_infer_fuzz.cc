// Fuzzes the inference request parser and, for accepted requests, the response renderer.
// Invariants checked: no crash or sanitizer report; an accepted request holds 1..max_texts
// texts within the limits and 1..4 distinct outputs; the rendered response is the size it must
// be; every error has a message.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>
#include <vector>

#include "oip/infer_request.h"
#include "oip/infer_response.h"
#include "oip/metadata.h"
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
  require(!request.outputs.empty() && request.outputs.size() <= 4);
  const std::vector<smlapi::oip::Scores> scores(request.texts.size(), {0.25, 0.5, 0.25, -0.5});
  const std::string body = smlapi::oip::render_infer_response(
      "vader", "v1", request.id ? std::optional<std::string_view>(*request.id) : std::nullopt,
      request.outputs, scores);
  require(body.front() == '{' && body.back() == '}');
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  smlapi::oip::InferLimits limits;
  limits.max_texts = 16;  // small limits reach the limit paths with small inputs
  limits.max_total_bytes = 512;
  limits.max_text_chars = 64;
  const auto parsed = smlapi::oip::parse_infer_request(input, limits);
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
