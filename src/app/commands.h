// The subcommands of the secure-ml-api binary. Each returns the process exit code.
#pragma once

#include <optional>
#include <span>
#include <string>

namespace smlapi::app {

int serve_command(std::span<const std::string> args);
int healthcheck_command(std::span<const std::string> args);
int score_command(std::span<const std::string> args);
int users_command(std::span<const std::string> args, bool clients);
int plans_command(std::span<const std::string> args);
int keys_command(std::span<const std::string> args);
int sleep_command(std::span<const std::string> args);

// Environment lookup used by every command (SMLAPI_* twins).
std::optional<std::string> environment_variable(const std::string& name);

}  // namespace smlapi::app
