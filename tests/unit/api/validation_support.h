// Helpers shared by the API validation tests.
#pragma once

#include "api/errors.h"

#include <string>
#include <variant>

namespace smlapi::api::testing {

// "body.texts.1" for {"body", "texts", 1}: one string to compare in assertions.
inline std::string loc_text(const ValidationIssue& issue) {
  std::string out;
  for (const auto& part : issue.loc) {
    if (!out.empty()) out.push_back('.');
    if (const auto* name = std::get_if<std::string>(&part)) {
      out.append(*name);
    } else {
      out.append(std::to_string(std::get<std::size_t>(part)));
    }
  }
  return out;
}

}  // namespace smlapi::api::testing
