#pragma once

#include <sys/types.h>

#include <cstdint>
#include <initializer_list>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <boost/system/result.hpp>

#include "redis/config.h"

namespace smlapi::redis::testing {

inline constexpr const char* kRedisServerPath = "/usr/bin/redis-server";

bool redis_server_available();

// A throw-away redis-server on a free loopback port, without persistence, stopped by PID.
class RedisServer {
 public:
  explicit RedisServer(std::vector<std::string> extra_args = {});
  ~RedisServer();
  RedisServer(const RedisServer&) = delete;
  RedisServer& operator=(const RedisServer&) = delete;

  bool running() const noexcept { return pid_ > 0; }
  std::uint16_t port() const noexcept { return port_; }

  void stop();
  bool start();  // (re)starts on the same port; true once it answers
  // SIGSTOP / SIGCONT: a server that accepts connections (the kernel does) and never answers.
  void pause();
  void resume();

 private:
  std::vector<std::string> extra_args_;
  std::uint16_t port_ = 0;
  pid_t pid_ = -1;
};

// A port on which nothing listens right now.
std::uint16_t free_loopback_port();

// The value of a result the test expects to hold one; otherwise the test fails with an
// exception (checking first also keeps -Wnull-dereference quiet at -O2).
template <typename T, typename E>
T unwrap(boost::system::result<T, E> result) {
  if (!result.has_value()) throw std::runtime_error("result holds an error");
  return std::move(*result);
}

// Runs one command on a fresh connection made from `config` and returns its integer reply
// (-1 for a non-integer reply such as +OK); throws when the command fails.
long long run_command(const Config& config, std::initializer_list<std::string_view> args);

// How many times the server ran `command` (lowercase; commands run by scripts included), from
// INFO commandstats; 0 when it never did.
long long command_calls(const Config& config, std::string_view command);

}  // namespace smlapi::redis::testing
