#pragma once

#include <chrono>
#include <memory>
#include <span>
#include <string_view>

#include <boost/system/result.hpp>

#include "redis/config.h"
#include "redis/error.h"

struct redisContext;
struct redisReply;

namespace smlapi::redis {

struct ReplyDeleter {
  void operator()(redisReply* reply) const noexcept;
};
using Reply = std::unique_ptr<redisReply, ReplyDeleter>;

// One synchronous RESP connection (hiredis), with connect and command timeouts. Not
// thread-safe: it belongs to one thread at a time (see ConnectionPool).
class Connection {
 public:
  // Connects, then AUTH (username + password, or password only) and SELECT as configured.
  static boost::system::result<Connection, Error> open(const Config& config);

  Connection(Connection&&) noexcept = default;
  Connection& operator=(Connection&&) noexcept = default;
  ~Connection();

  // Sends one command (binary-safe arguments) and reads its reply. An error reply from Redis is
  // ErrorKind::server and leaves the connection usable; any other error breaks it (broken()).
  boost::system::result<Reply, Error> command(std::span<const std::string_view> args);

  // Reads one reply the server pushes unasked (a pub/sub message after SUBSCRIBE), waiting at
  // most `wait`: an empty Reply when none arrived. Unlike a socket timeout, an empty wait
  // leaves the connection usable. Errors as for command().
  boost::system::result<Reply, Error> receive(std::chrono::milliseconds wait);

  bool broken() const noexcept;

 private:
  struct ContextDeleter {
    void operator()(redisContext* context) const noexcept;
  };
  explicit Connection(redisContext* context) : context_(context) {}

  std::unique_ptr<redisContext, ContextDeleter> context_;
};

}  // namespace smlapi::redis
