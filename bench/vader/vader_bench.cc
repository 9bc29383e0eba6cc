// Throughput of the VADER scorer in sentences per second (items_per_second), on one thread
// and on all cores, over short tweet-like sentences and over a realistic mix of tweets,
// reviews and paragraphs (ASCII and Unicode, emoji, negations, "but", punctuation).
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include <benchmark/benchmark.h>

#include "vader/score_batch.h"
#include "vader/sentiment_analyzer.h"

namespace {

using smlapi::vader::Model;
using smlapi::vader::SentimentAnalyzer;

const std::vector<std::string>& short_sentences() {
  static const std::vector<std::string> texts = {
      "The book was good.",
      "VADER is smart, handsome, and funny!",
      "At least it isn't a horrible book.",
      "Today SUX!",
      "Not bad at all",
      "I love this phone, the battery lasts forever :)",
      "worst customer service ever. never again",
      "lol this is so funny 😂😂",
      "The movie was kind of boring tbh",
      "Great game last night!!! #winning",
      "meh. it's ok I guess",
      "Can't believe how terrible the traffic is today",
      "Thanks for the help, really appreciate it",
      "This is NOT what I ordered.",
      "So happy for you guys ❤️",
      "the food was good but the service was slow",
  };
  return texts;
}

const std::vector<std::string>& mixed_texts() {
  static const std::vector<std::string> texts = [] {
    std::vector<std::string> all = short_sentences();
    const std::vector<std::string> longer = {
        "The plot was good, but the characters are uncompelling and the dialog is not great.",
        "Honestly I expected a lot more from this restaurant. The starters were okay, the main "
        "course was cold and the waiter barely looked at us. Would not recommend.",
        "Café au lait et croissants — très bien! Ich bin überrascht, wie nützlich das ist. "
        "Я удивлен, как это полезно. 🙂👍",
        "It was one of the worst movies I've seen, despite good reviews. Unbelievably bad "
        "acting!! Poor direction. VERY poor production. The movie was bad. Very bad movie. VERY "
        "BAD movie!",
        "Without a doubt, an excellent idea. Roger Dodger is one of the least compelling "
        "variations on this theme, but the soundtrack is the bomb and the cast is to die for. "
        "Kind of a mess overall, yet I never had this much fun at the cinema. Would I watch it "
        "again? Probably... maybe??? Who knows!!!",
        "Update: shipping took three weeks 😡 and the box arrived damaged. Customer support "
        "replied quickly though, and they sent a replacement at no cost. Mixed feelings, but "
        "credit where it's due: they fixed it. The product itself works fine, nothing special, "
        "nothing terrible. 3/5.",
    };
    all.insert(all.end(), longer.begin(), longer.end());
    return all;
  }();
  return texts;
}

void score_all(benchmark::State& state, const std::vector<std::string>& texts) {
  SentimentAnalyzer analyzer(Model::builtin());
  std::size_t bytes = 0;
  for (const auto& text : texts) bytes += text.size();
  for (auto _ : state) {
    for (const auto& text : texts) benchmark::DoNotOptimize(analyzer.polarity_scores(text));
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * texts.size()));
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * bytes));
}

void BM_ShortSentences_OneThread(benchmark::State& state) { score_all(state, short_sentences()); }
BENCHMARK(BM_ShortSentences_OneThread);

void BM_Mix_OneThread(benchmark::State& state) { score_all(state, mixed_texts()); }
BENCHMARK(BM_Mix_OneThread);

// Every core runs its own analyzer on the shared model (how the server uses it).
void BM_Mix_PerThreadAnalyzer(benchmark::State& state) { score_all(state, mixed_texts()); }
BENCHMARK(BM_Mix_PerThreadAnalyzer)->ThreadPerCpu()->UseRealTime();

// score_batch() over a large batch, all cores.
void BM_Mix_ScoreBatchAllCores(benchmark::State& state) {
  const auto& texts = mixed_texts();
  std::vector<std::string_view> batch;
  for (int copy = 0; copy < 2000; ++copy) batch.insert(batch.end(), texts.begin(), texts.end());
  const auto model = Model::builtin();
  for (auto _ : state) {
    benchmark::DoNotOptimize(smlapi::vader::score_batch(model, batch, 0));
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * batch.size()));
}
BENCHMARK(BM_Mix_ScoreBatchAllCores)->UseRealTime()->Unit(benchmark::kMillisecond);

// Pathological input from the reference's issue #110: emoji-heavy text, many "but"s.
void BM_Pathological_EmojiAndBut(benchmark::State& state) {
  std::string text;
  for (int i = 0; i < 2000; ++i) text += "good 😀 but bad 😡 ";
  SentimentAnalyzer analyzer(Model::builtin());
  for (auto _ : state) benchmark::DoNotOptimize(analyzer.polarity_scores(text));
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * text.size()));
}
BENCHMARK(BM_Pathological_EmojiAndBut)->Unit(benchmark::kMicrosecond);

}  // namespace

BENCHMARK_MAIN();
