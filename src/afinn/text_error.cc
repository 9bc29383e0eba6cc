#include "afinn/text_error.h"

#include <stdexcept>
#include <string>

namespace smlapi::afinn {

std::string_view to_string(TextError error) {
  switch (error) {
    case TextError::invalid_utf8:
      return "invalid_utf8";
  }
  return "unknown";
}

void throw_exception_from_error(TextError error, const boost::source_location& /*location*/) {
  throw std::invalid_argument("AFINN cannot score the text: " + std::string(to_string(error)));
}

}  // namespace smlapi::afinn
