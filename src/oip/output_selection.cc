#include "oip/output_selection.h"

namespace smlapi::oip {

boost::system::result<void, OipError> select_outputs(const model::ModelInfo& model,
                                                     std::span<const std::string> requested,
                                                     std::vector<OutputColumn>& columns) {
  columns.clear();
  const auto& outputs = model.outputs;
  if (requested.empty()) {
    for (std::size_t i = 0; i < outputs.size(); ++i) columns.push_back({&outputs[i], i, false});
    return {};
  }
  for (const std::string& name : requested) {
    std::size_t i = 0;
    while (i < outputs.size() && outputs[i].name != name) ++i;
    if (i == outputs.size()) return unknown_output_error(model);
    columns.push_back({&outputs[i], i, false});
  }
  return {};
}

}  // namespace smlapi::oip
