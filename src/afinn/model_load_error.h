#pragma once

#include <cstddef>
#include <string>

#include <boost/assert/source_location.hpp>

namespace smlapi::afinn {

// Why model data was rejected: which file, its 1-based line (0 when the problem is not tied to
// one line) and a sentence a person can act on.
struct ModelLoadError {
  std::string file;
  std::size_t line = 0;
  std::string reason;
};

// Lets result<T, ModelLoadError>::value() throw (std::runtime_error with file, line, reason).
[[noreturn]] void throw_exception_from_error(const ModelLoadError& error,
                                             const boost::source_location& location);

}  // namespace smlapi::afinn
