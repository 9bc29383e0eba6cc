// One blocking RESP connection, for the work done off the event loops (logins' failure
// counters, revocations, readiness, the deny-list mirror's thread): an AsyncClient (TLS,
// AUTH, SELECT, the primary check, timeouts) driven to each answer on an event loop of its own,
// so there is one implementation of the wire, of TLS and of failure handling. Not
// thread-safe: it belongs to one thread at a time (see ConnectionPool).
#pragma once

#include <chrono>
#include <memory>
#include <span>
#include <string_view>

#include <boost/system/result.hpp>

#include "redis/config.h"
#include "redis/error.h"
#include "redis/reply.h"

namespace smlapi::redis {

class Connection {
 public:
  // Connects and sets up (AUTH, SELECT, ROLE) within connect_timeout + timeout.
  static boost::system::result<Connection, Error> open(const Config& config);

  Connection(Connection&&) noexcept;
  Connection& operator=(Connection&&) noexcept;
  ~Connection();

  // Sends one command (binary-safe arguments) and reads its reply. An error reply from Redis is
  // ErrorKind::server and leaves the connection usable; any other error breaks it (broken()).
  boost::system::result<Reply, Error> command(std::span<const std::string_view> args);

  // Reads one reply the server pushes unasked (a pub/sub message after SUBSCRIBE), waiting at
  // most `wait`: an empty Reply when none arrived; the connection stays usable. Errors as for
  // command().
  boost::system::result<Reply, Error> receive(std::chrono::milliseconds wait);

  // Once broken, always: a connection that ended is never silently replaced (a subscription
  // would be lost with it); the caller opens a new one.
  bool broken() const noexcept;

 private:
  struct State;
  explicit Connection(std::unique_ptr<State> state);

  std::unique_ptr<State> state_;
};

}  // namespace smlapi::redis
