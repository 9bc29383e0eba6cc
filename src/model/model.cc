#include "model/model.h"

namespace smlapi::model {

std::string_view to_string(Datatype datatype) noexcept {
  switch (datatype) {
    case Datatype::fp64:
      return "FP64";
    case Datatype::int64:
      return "INT64";
  }
  return "FP64";
}

std::string_view to_string(Label label) noexcept {
  switch (label) {
    case Label::positive:
      return "POSITIVE";
    case Label::negative:
      return "NEGATIVE";
    case Label::neutral:
      return "NEUTRAL";
  }
  return "NEUTRAL";
}

}  // namespace smlapi::model
