#include "vader/score_batch.h"

#include <algorithm>
#include <atomic>
#include <thread>

#include "vader/sentiment_analyzer.h"

namespace smlapi::vader {
namespace {

// Starting a thread costs tens of microseconds, i.e. scoring a few hundred short texts; give
// each thread at least this many bytes of input.
constexpr std::size_t kMinBytesPerThread = 64 * 1024;

using Result = boost::system::result<PolarityScores, TextError>;

// Texts are handed out in blocks so that threads which drew long texts do not hold up the rest.
constexpr std::size_t kBlockSize = 64;

void score_blocks(const std::shared_ptr<const Model>& model,
                  std::span<const std::string_view> texts, std::span<Result> results,
                  std::atomic<std::size_t>& next_block) {
  SentimentAnalyzer analyzer(model);
  while (true) {
    const std::size_t begin = next_block.fetch_add(kBlockSize, std::memory_order_relaxed);
    if (begin >= texts.size()) return;
    const std::size_t end = std::min(texts.size(), begin + kBlockSize);
    for (std::size_t i = begin; i < end; ++i) results[i] = analyzer.polarity_scores(texts[i]);
  }
}

unsigned worker_count(std::span<const std::string_view> texts, unsigned max_threads) {
  std::size_t bytes = 0;
  for (const auto text : texts) bytes += text.size() + 16;  // + per-text overhead
  const std::size_t hardware = std::max(1u, std::thread::hardware_concurrency());
  const std::size_t limit =
      max_threads == 0 ? hardware : std::min<std::size_t>(max_threads, hardware);
  const std::size_t useful = bytes / kMinBytesPerThread;
  const std::size_t blocks = (texts.size() + kBlockSize - 1) / kBlockSize;
  return static_cast<unsigned>(std::max<std::size_t>(1, std::min({limit, useful, blocks})));
}

}  // namespace

std::vector<Result> score_batch(const std::shared_ptr<const Model>& model,
                                std::span<const std::string_view> texts, unsigned max_threads) {
  std::vector<Result> results(texts.size(), Result(PolarityScores{}));
  const unsigned workers = worker_count(texts, max_threads);
  std::atomic<std::size_t> next_block{0};
  {
    // Each index of `results` is written by exactly one thread; joining publishes the writes.
    std::vector<std::jthread> helpers;
    helpers.reserve(workers - 1);
    for (unsigned i = 1; i < workers; ++i) {
      helpers.emplace_back(
          [&] { score_blocks(model, texts, std::span<Result>(results), next_block); });
    }
    score_blocks(model, texts, results, next_block);
  }
  return results;
}

}  // namespace smlapi::vader
