#include "vader/polarity_scores.h"

#include <stdexcept>
#include <string>

namespace smlapi::vader {

std::string_view to_string(TextError error) {
  switch (error) {
    case TextError::invalid_utf8:
      return "invalid UTF-8 in input text";
  }
  return "unknown text error";
}

void throw_exception_from_error(TextError error, const boost::source_location& /*location*/) {
  throw std::invalid_argument(std::string(to_string(error)));
}

}  // namespace smlapi::vader
