#include "afinn/model_load_error.h"

#include <stdexcept>

namespace smlapi::afinn {

void throw_exception_from_error(const ModelLoadError& error,
                                const boost::source_location& /*location*/) {
  throw std::runtime_error("AFINN model data, " + error.file + " line " +
                           std::to_string(error.line) + ": " + error.reason);
}

}  // namespace smlapi::afinn
