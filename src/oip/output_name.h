// The output tensors of the VADER model. Each is an FP64 tensor of shape [N], one value per
// input text: one tensor per score (rather than one [N, 4] tensor) so a client can request just
// the score it needs through the protocol's `outputs` list.
#pragma once

#include <array>
#include <optional>
#include <string_view>

namespace smlapi::oip {

enum class OutputName { neg, neu, pos, compound };

// All outputs in the order they are returned when the request names none.
inline constexpr std::array<OutputName, 4> kAllOutputs = {OutputName::neg, OutputName::neu,
                                                          OutputName::pos, OutputName::compound};

std::string_view to_string(OutputName name) noexcept;
std::optional<OutputName> parse_output_name(std::string_view name) noexcept;

}  // namespace smlapi::oip
