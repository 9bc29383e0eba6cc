// Which of a model's outputs a request gets: those it named, in its order, or every output
// of the model when it named none (the protocol's rule). Output names are the model's own
// (model/model.h); one tensor per output rather than one [N, k] tensor, so a client can ask
// for just the value it needs.
#pragma once

#include "model/model.h"
#include "oip/error.h"
#include "oip/infer_response.h"

#include <boost/system/result.hpp>

#include <span>
#include <string>
#include <vector>

namespace smlapi::oip {

// Fills `columns` (cleared first); an unknown name is a 400 listing the model's outputs.
boost::system::result<void, OipError> select_outputs(const model::ModelInfo& model,
                                                     std::span<const std::string> requested,
                                                     std::vector<OutputColumn>& columns);

}  // namespace smlapi::oip
