#include "auth/error.h"

#include <stdexcept>

#include <boost/throw_exception.hpp>

namespace smlapi::auth {

void throw_exception_from_error(const Error& error, const boost::source_location& location) {
  boost::throw_with_location(std::runtime_error(error.message), location);
}

}  // namespace smlapi::auth
