// The small subcommands: sleep (healthcheck: healthcheck_command.cc; score: score_command.cc).
#include "app/commands.h"

#include <chrono>
#include <cstdlib>
#include <iostream>
#include <string>
#include <thread>

namespace smlapi::app {

std::optional<std::string> environment_variable(const std::string& name) {
  const char* value = std::getenv(name.c_str());
  if (value == nullptr) return std::nullopt;
  return std::string(value);
}

int sleep_command(std::span<const std::string> args) {
  int seconds = args.empty() ? -1 : std::atoi(args[0].c_str());
  if (seconds < 0 || seconds > 3600) {
    std::cerr << "usage: secure-ml-api sleep SECONDS (0..3600)\n";
    return 2;
  }
  std::this_thread::sleep_for(std::chrono::seconds(seconds));
  return 0;
}

}  // namespace smlapi::app
