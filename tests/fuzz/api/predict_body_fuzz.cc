// Fuzzes strict validation of the /predict and /predict/batch bodies with the
// bytes as the body (padded as the server pads it). Invariants: never crash;
// an accepted text is valid UTF-8 within the character limits; a batch stays
// within its count and byte limits; a refusal lists documented issues, a JSON error alone.
#include "api/predict_request.h"
#include "common/utf8.h"

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace {

// An invariant that must hold; names the broken one before aborting.
#define FUZZ_CHECK(condition)                                                                \
  do {                                                                                       \
    if (!(condition)) {                                                                      \
      std::fprintf(stderr, "%s:%d: invariant failed: %s\n", __FILE__, __LINE__, #condition); \
      std::abort();                                                                          \
    }                                                                                        \
  } while (false)

const smlapi::api::InputLimits& limits() {
  static const smlapi::api::InputLimits kLimits = [] {
    smlapi::api::InputLimits l;
    l.max_text_chars = 64;  // small, so the fuzzer reaches the limits
    l.max_batch_texts = 8;
    l.max_batch_text_bytes = 256;
    return l;
  }();
  return kLimits;
}

void check_issue(const smlapi::api::ValidationIssue& issue) {
  static const std::set<std::string, std::less<>> kTypes{
      "missing",         "json_invalid",    "json_too_deep", "model_attributes_type",
      "string_type",     "extra_forbidden", "duplicate_key", "string_too_short",
      "string_too_long", "list_type",       "too_long",      "too_short"};
  FUZZ_CHECK(kTypes.count(issue.type) == 1);
  FUZZ_CHECK(!issue.msg.empty());
  FUZZ_CHECK(!issue.loc.empty());
  const auto* first = std::get_if<std::string>(&issue.loc.front());
  FUZZ_CHECK(first != nullptr && *first == "body");
}

// A refusal lists 1 to kMaxValidationIssues issues, each documented; a JSON error comes alone.
void check_issues(const smlapi::api::ValidationIssues& issues) {
  FUZZ_CHECK(!issues.empty() && issues.size() <= smlapi::api::kMaxValidationIssues);
  for (const auto& issue : issues) {
    check_issue(issue);
    const bool json = issue.type == "json_invalid" || issue.type == "json_too_deep";
    FUZZ_CHECK(!json || issues.size() == 1);
  }
}

void check_text(std::string_view text) {
  FUZZ_CHECK(simdjson::validate_utf8(text.data(), text.size()));
  std::size_t chars = smlapi::utf8::code_point_count(text);
  FUZZ_CHECK(chars >= 1 && chars <= limits().max_text_chars);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static simdjson::ondemand::parser parser;
  simdjson::padded_string body(reinterpret_cast<const char*>(data), size);

  auto single = smlapi::api::parse_predict_body(parser, body, limits());
  if (single.has_value()) {
    check_text(*single);
  } else {
    check_issues(single.error());
  }
  // Differential check against simdjson's DOM parser, which validates fully:
  // an accepted body is an object with exactly the one "text" member, and a
  // body the DOM parser rejects is reported as a JSON error.
  static simdjson::dom::parser dom;
  simdjson::dom::element root;
  auto dom_error = dom.parse(body).get(root);
  if (single.has_value()) {
    FUZZ_CHECK(dom_error == simdjson::SUCCESS);
    simdjson::dom::object object;
    FUZZ_CHECK(root.get(object) == simdjson::SUCCESS);
    FUZZ_CHECK(object.size() == 1);
    std::string_view text;
    FUZZ_CHECK(object["text"].get(text) == simdjson::SUCCESS);
    FUZZ_CHECK(text == *single);
  } else if (dom_error != simdjson::SUCCESS && size > 0) {
    FUZZ_CHECK(single.error().size() == 1);
    const std::string type = single.error().front().type;  // error() is a copy
    FUZZ_CHECK(type == "json_invalid" || type == "json_too_deep");
  }

  std::vector<std::string_view> texts{"stale"};
  auto batch = smlapi::api::parse_batch_body(parser, body, limits(), texts);
  if (batch.has_value()) {
    FUZZ_CHECK(!texts.empty() && texts.size() <= limits().max_batch_texts);
    std::size_t bytes = 0;
    for (std::string_view text : texts) {
      check_text(text);
      bytes += text.size();
    }
    FUZZ_CHECK(bytes <= limits().max_batch_text_bytes);
  } else {
    check_issues(batch.error());
  }
  return 0;
}
