// Fuzzes JSON-lines field extraction (text at "text", passed through "id" and "a.b"), with a
// differential check against simdjson's DOM parser, which validates fully: a line the DOM
// parser accepts as an object is never called invalid JSON, and the text found is the DOM's
// "text" string; a line it rejects is never scored.
#include "tabular/json_fields.h"

#include <simdjson.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

namespace {

#define FUZZ_CHECK(condition)                                                                \
  do {                                                                                       \
    if (!(condition)) {                                                                      \
      std::fprintf(stderr, "%s:%d: invariant failed: %s\n", __FILE__, __LINE__, #condition); \
      std::abort();                                                                          \
    }                                                                                        \
  } while (false)

using smlapi::tabular::FieldValue;
using smlapi::tabular::JsonFields;
using smlapi::tabular::RowError;

const JsonFields& fields() {
  static const JsonFields kFields = [] {
    std::vector<smlapi::tabular::FieldPath> paths;
    for (const char* spec : {"text", "id", "a.b"}) {
      paths.push_back(*smlapi::tabular::parse_field_path(spec));
    }
    return *JsonFields::create(std::move(paths));
  }();
  return kFields;
}

bool has_long_digit_run(std::string_view line) {
  std::size_t run = 0;
  for (char c : line) {
    run = (c >= '0' && c <= '9') ? run + 1 : 0;
    if (run >= 20) return true;
  }
  return false;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static simdjson::ondemand::parser parser;
  static simdjson::dom::parser dom;
  std::string line(reinterpret_cast<const char*>(data), size);
  line.append(simdjson::SIMDJSON_PADDING, '\0');
  const std::string_view view(line.data(), size);
  std::vector<FieldValue> values(fields().size());
  const auto result = fields().extract(parser, view, values);
  for (const FieldValue& value : values) {
    if (value.kind == FieldValue::Kind::json) FUZZ_CHECK(!value.bytes.empty());
  }

  simdjson::dom::element root;
  const auto dom_error = dom.parse(line.data(), size, false).get(root);
  // simdjson's DOM parser refuses integers beyond 64 bits (NUMBER_ERROR), which JSON allows and
  // the extraction passes through as written: no reference answer for such lines, which hold a
  // run of at least 20 digits. Any other refusal by the DOM must be shared by the extraction.
  if (dom_error == simdjson::NUMBER_ERROR && has_long_digit_run(view)) return 0;
  if (result.has_value()) {
    FUZZ_CHECK(dom_error == simdjson::SUCCESS);
    std::string_view text;
    FUZZ_CHECK(root["text"].get(text) == simdjson::SUCCESS);
    FUZZ_CHECK(values[0].kind == FieldValue::Kind::text && values[0].bytes == text);
  } else if (dom_error == simdjson::SUCCESS && root.is_object()) {
    // Depth beyond the walk's bound is a refusal of valid JSON; so is a number simdjson's
    // on-demand reader does not take (a run of 20+ digits, e.g. a 100-digit exponent) though its
    // DOM parser does: both are lines no exporter writes.
    FUZZ_CHECK(result.error() != RowError::invalid_json || size > 256 || has_long_digit_run(view));
  }
  return 0;
}
