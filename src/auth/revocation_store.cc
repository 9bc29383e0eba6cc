#include "auth/revocation_store.h"

#include <stdexcept>
#include <string>

#include <boost/throw_exception.hpp>

namespace smlapi::auth {

const char* to_string(RevocationError error) noexcept {
  switch (error) {
    case RevocationError::unavailable:
      return "unavailable";
    case RevocationError::capacity_exceeded:
      return "capacity_exceeded";
  }
  return "unknown";
}

void throw_exception_from_error(RevocationError error, const boost::source_location& location) {
  boost::throw_with_location(
      std::runtime_error(std::string("revocation store: ") + to_string(error)), location);
}

}  // namespace smlapi::auth
