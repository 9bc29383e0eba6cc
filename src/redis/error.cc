#include "redis/error.h"

namespace smlapi::redis {

const char* to_string(ErrorKind kind) noexcept {
  switch (kind) {
    case ErrorKind::backing_off:
      return "backing off before reconnecting";
    case ErrorKind::connect:
      return "connect failed";
    case ErrorKind::auth:
      return "authentication or database selection refused";
    case ErrorKind::timeout:
      return "timeout";
    case ErrorKind::closed:
      return "connection closed by server";
    case ErrorKind::io:
      return "I/O error";
    case ErrorKind::server:
      return "server error reply";
    case ErrorKind::bad_reply:
      return "unexpected reply";
  }
  return "unknown redis error";
}

}  // namespace smlapi::redis
