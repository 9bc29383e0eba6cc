// unknown_environment_options: SMLAPI_* variables that are no option's twin.
#include "app/options.h"

#include <gtest/gtest.h>

#include <array>
#include <string>
#include <vector>

namespace smlapi::app {
namespace {

const std::vector<OptionSpec> kSpecs = {{"port", "8000", "", false, false},
                                        {"redis-timeout-ms", "50", "", false, false}};

TEST(UnknownEnvironmentOptions, NamesOnlyTheSmlapiVariablesNoOptionReads) {
  const std::array<const char*, 7> environment = {"SMLAPI_PORT=1",
                                                  "SMLAPI_REDIS_TIMEOUT_MS=5",
                                                  "SMLAPI_MAX_IN_FLIGHT=4096",
                                                  "PATH=/usr/bin",
                                                  "SMLAPI_PORTT=2",
                                                  "SMLAPI_BIN=/x",
                                                  "SMLAPI_LOG_LEVEL"};  // no '=': still a name
  const std::array<std::string_view, 1> also_known = {"SMLAPI_BIN"};
  EXPECT_EQ(unknown_environment_options(kSpecs, environment, also_known),
            (std::vector<std::string>{"SMLAPI_MAX_IN_FLIGHT", "SMLAPI_PORTT", "SMLAPI_LOG_LEVEL"}));
}

TEST(UnknownEnvironmentOptions, NoneWhenEveryVariableIsAnOption) {
  const std::array<const char*, 2> environment = {"SMLAPI_PORT=1", "HOME=/root"};
  EXPECT_TRUE(unknown_environment_options(kSpecs, environment).empty());
}

}  // namespace
}  // namespace smlapi::app
