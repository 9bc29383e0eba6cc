#pragma once

#include <string>

namespace smlapi::redis {

enum class ErrorKind {
  backing_off,  // not connected and the next reconnect attempt is not due yet
  connect,      // TCP connect failed or timed out
  auth,         // AUTH or SELECT refused (the password is never part of the detail)
  timeout,      // no answer within Config::timeout
  closed,       // the server closed the connection (e.g. restarted)
  io,           // other socket or protocol error
  server,       // Redis answered with an error reply; the connection stays usable
  bad_reply,    // a reply of an unexpected shape
};

struct Error {
  ErrorKind kind = ErrorKind::io;
  std::string detail;
};

const char* to_string(ErrorKind kind) noexcept;

}  // namespace smlapi::redis
