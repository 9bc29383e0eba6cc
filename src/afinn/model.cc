#include "afinn/model.h"

#include <algorithm>
#include <stdexcept>
#include <vector>

#include <openssl/evp.h>

#include "afinn/embedded_model_data.h"

namespace smlapi::afinn {
namespace {

constexpr std::string_view kReferenceVersion = "afinn-165-sentiment-5.0.2";

// SHA-256 over a canonical form (sorted "key<TAB>score" lines, a blank line, sorted negators),
// so the version names the content, not the file order.
std::string content_version(const auto& scores, const auto& negators) {
  std::vector<std::string> entries;
  entries.reserve(scores.size());
  for (const auto& [key, score] : scores) entries.push_back(key + '\t' + std::to_string(score));
  std::sort(entries.begin(), entries.end());
  std::vector<std::string> words(negators.begin(), negators.end());
  std::sort(words.begin(), words.end());

  std::string canonical;
  for (const auto& entry : entries) canonical += entry + '\n';
  canonical += '\n';
  for (const auto& word : words) canonical += word + '\n';

  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int digest_size = 0;
  if (EVP_Digest(canonical.data(), canonical.size(), digest, &digest_size, EVP_sha256(), nullptr) !=
      1) {
    throw std::runtime_error("SHA-256 unavailable for the AFINN model version");
  }
  constexpr char kHex[] = "0123456789abcdef";
  std::string version(kReferenceVersion);
  version += '+';
  for (unsigned int i = 0; i < 6; ++i) {
    version += kHex[digest[i] >> 4];
    version += kHex[digest[i] & 0xF];
  }
  return version;
}

}  // namespace

Model::Model(const ScoreTable& words, const ScoreTable& emoji,
             const std::vector<std::string>& negators)
    : negators_(negators.begin(), negators.end()) {
  for (const auto& [key, score] : words) scores_.insert_or_assign(key, score);
  for (const auto& [key, score] : emoji) scores_.insert_or_assign(key, score);  // emoji win
  version_ = content_version(scores_, negators_);
}

std::shared_ptr<const Model> Model::builtin() {
  // .value() throws if the committed data were broken: a build defect, caught by the tests.
  static const std::shared_ptr<const Model> model =
      from_text(embedded::words_file(), embedded::emoji_file(), embedded::negators_file()).value();
  return model;
}

boost::system::result<std::shared_ptr<const Model>, ModelLoadError> Model::from_text(
    std::string_view words_tsv, std::string_view emoji_tsv, std::string_view negators_txt) {
  auto words = parse_score_table(words_tsv, "afinn_165_words.tsv");
  if (!words) return words.error();
  auto emoji = parse_score_table(emoji_tsv, "emoji_scores.tsv");
  if (!emoji) return emoji.error();
  auto negators = parse_negators(negators_txt, "negators.txt");
  if (!negators) return negators.error();
  return std::make_shared<const Model>(*words, *emoji, *negators);
}

std::optional<WordScore> Model::find(std::string_view token) const {
  const auto found = scores_.find(token);
  if (found == scores_.end()) return std::nullopt;
  return WordScore{found->first, found->second};
}

}  // namespace smlapi::afinn
