#include "model/output_json.h"

#include "common/json_writer.h"

#include <cmath>

namespace smlapi::model {

void append_json_value(std::string& out, Datatype datatype, double value) {
  if (datatype == Datatype::int64) {
    json::append_integer(out, std::llround(value));
  } else {
    json::append_number(out, value);
  }
}

}  // namespace smlapi::model
