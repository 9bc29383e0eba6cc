// How an output value is written in JSON, the same on every API and in `score`: INT64 outputs
// as integers, FP64 ones by the service's one number format (common/json_writer.h).
#pragma once

#include "model/model.h"

#include <string>

namespace smlapi::model {

void append_json_value(std::string& out, Datatype datatype, double value);

}  // namespace smlapi::model
