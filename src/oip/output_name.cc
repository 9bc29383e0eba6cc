#include "oip/output_name.h"

namespace smlapi::oip {

std::string_view to_string(OutputName name) noexcept {
  switch (name) {
    case OutputName::neg:
      return "neg";
    case OutputName::neu:
      return "neu";
    case OutputName::pos:
      return "pos";
    case OutputName::compound:
      return "compound";
  }
  return "compound";
}

std::optional<OutputName> parse_output_name(std::string_view name) noexcept {
  for (OutputName candidate : kAllOutputs) {
    if (to_string(candidate) == name) return candidate;
  }
  return std::nullopt;
}

}  // namespace smlapi::oip
