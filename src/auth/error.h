// A failure with a human-readable message, for operations that fail on bad input files or bad
// configuration (key files, credential files, settings). The message never contains secrets.
#pragma once

#include <string>
#include <utility>

#include <boost/assert/source_location.hpp>

namespace smlapi::auth {

struct Error {
  // Explicit, so that result<std::string, Error> is unambiguous.
  Error() = default;
  explicit Error(std::string text) : message(std::move(text)) {}
  std::string message;
};

// Lets boost::system::result<T, Error>::value() throw std::runtime_error(message).
[[noreturn]] void throw_exception_from_error(const Error& error,
                                             const boost::source_location& location);

}  // namespace smlapi::auth
