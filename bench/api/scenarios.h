// The request scenarios shared by api_request_bench (ns/request) and
// api_request_instructions (instructions/request under callgrind).
#pragma once

#include "in_process_api.h"

#include <array>
#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace smlapi::bench {

struct Scenario {
  std::string_view name;
  InProcessApiOptions options;
  enum class Kind { healthz, predict, batch } kind;
  std::size_t texts = 1;  // texts scored per request
};

inline constexpr std::size_t kBatchTexts = 100;

using UsersFile = InProcessApiOptions::UsersFile;

inline constexpr std::array<Scenario, 8> kScenarios{{
    {"healthz",
     {auth::Algorithm::HS256, false, false, UsersFile::none},
     Scenario::Kind::healthz,
     0},
    {"predict", {auth::Algorithm::HS256, true, false, UsersFile::none}, Scenario::Kind::predict, 1},
    {"predict_limits_off",
     {auth::Algorithm::HS256, false, false, UsersFile::none},
     Scenario::Kind::predict,
     1},
    {"predict_access_log",
     {auth::Algorithm::HS256, true, true, UsersFile::none},
     Scenario::Kind::predict,
     1},
    {"predict_eddsa",
     {auth::Algorithm::EdDSA, true, false, UsersFile::none},
     Scenario::Kind::predict,
     1},
    {"predict_users_file",
     {auth::Algorithm::HS256, true, false, UsersFile::plain},
     Scenario::Kind::predict,
     1},
    {"predict_plan",
     {auth::Algorithm::HS256, true, false, UsersFile::plan},
     Scenario::Kind::predict,
     1},
    {"predict_batch100",
     {auth::Algorithm::HS256, true, false, UsersFile::none},
     Scenario::Kind::batch,
     kBatchTexts},
}};

inline std::optional<Scenario> find_scenario(std::string_view name) {
  for (const Scenario& scenario : kScenarios) {
    if (scenario.name == name) return scenario;
  }
  return std::nullopt;
}

inline std::string raw_request(const Scenario& scenario, const InProcessApi& api) {
  switch (scenario.kind) {
    case Scenario::Kind::healthz:
      return healthz_request();
    case Scenario::Kind::predict:
      return predict_request(api.token(), kBenchText);
    case Scenario::Kind::batch:
      return batch_request(api.token(), kBenchText, scenario.texts);
  }
  return {};
}

}  // namespace smlapi::bench
