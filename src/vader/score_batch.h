#pragma once

#include <memory>
#include <span>
#include <string_view>
#include <vector>

#include <boost/system/result.hpp>

#include "vader/model.h"
#include "vader/polarity_scores.h"

namespace smlapi::vader {

// Scores every text, in order. Work is spread over up to `max_threads` threads (0 means the
// hardware concurrency) only when the batch is large enough to repay starting them.
std::vector<boost::system::result<PolarityScores, TextError>> score_batch(
    const std::shared_ptr<const Model>& model, std::span<const std::string_view> texts,
    unsigned max_threads);

}  // namespace smlapi::vader
