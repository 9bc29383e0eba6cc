#include "vader/model.h"

#include <charconv>
#include <stdexcept>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include <openssl/evp.h>

#include "vader/embedded_model_data.h"
#include "vader/vader_rules.h"

namespace smlapi::vader {
namespace {

constexpr std::string_view kReferenceVersion = "vader-3.3.2";
constexpr std::size_t kVersionHashDigits = 12;

// One WordInfo per distinct lowercased word: lexicon entries plus every word a rule names.
// Phrases are entries too ("customer service"): no token contains a space, so they only ever
// match the joined token SentiText makes of a phrase.
std::vector<std::pair<std::string, WordInfo>> build_word_infos(const Lexicon& lexicon,
                                                               const Lexicon& phrases) {
  std::unordered_map<std::string, WordInfo> infos;
  for (const Lexicon* entries : {&lexicon, &phrases}) {
    for (const auto& [word, valence] : *entries) {
      WordInfo& info = infos[word];
      info.in_lexicon = true;
      info.valence = valence;
    }
  }
  for (const auto& booster : rules::single_word_boosters()) {
    WordInfo& info = infos[std::string(booster.word)];
    info.is_booster = true;
    info.booster = booster.scalar;
  }
  for (const auto& negation : rules::negation_words()) {
    infos[std::string(negation)].is_negation = true;
  }
  for (const auto& name : rules::keyword_names()) {
    infos[std::string(name.word)].keyword = name.keyword;
  }
  return {infos.begin(), infos.end()};
}

void append_number(std::string& out, double value) {
  char buffer[32];
  const auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, value);
  out.append(buffer, ec == std::errc{} ? end : buffer);
}

void append_entries(std::string& content, const Lexicon& entries) {
  for (const auto& [word, valence] : entries) {
    content += word;
    content += '\t';
    append_number(content, valence);
    content += '\n';
  }
}

// Canonical text of the model content, independent of input formatting and order. The
// phrase section is only there when there are phrases, so models without any keep the
// versions they had before phrases existed.
std::string canonical_content(const Lexicon& lexicon, const Lexicon& phrases,
                              const EmojiTable& emoji) {
  std::string content = "lexicon\n";
  append_entries(content, lexicon);
  if (!phrases.empty()) {
    content += "phrases\n";
    append_entries(content, phrases);
  }
  content += "emoji\n";
  for (const auto& [cp, description] : emoji.entries()) {
    append_number(content, static_cast<double>(cp));
    content += '\t';
    content += description;
    content += '\n';
  }
  return content;
}

std::string content_version(const Lexicon& lexicon, const Lexicon& phrases,
                            const EmojiTable& emoji) {
  const std::string content = canonical_content(lexicon, phrases, emoji);
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int digest_length = 0;
  if (EVP_Digest(content.data(), content.size(), digest, &digest_length, EVP_sha256(), nullptr) !=
      1) {
    throw std::runtime_error("SHA-256 unavailable for the VADER model version");
  }
  static constexpr char kHex[] = "0123456789abcdef";
  std::string version(kReferenceVersion);
  version += '+';
  for (std::size_t i = 0; i < kVersionHashDigits / 2; ++i) {
    version += kHex[digest[i] >> 4];
    version += kHex[digest[i] & 0xF];
  }
  return version;
}

std::shared_ptr<const Model> build_builtin() {
  auto lexicon = parse_lexicon_file(embedded::lexicon_file());
  auto emoji = parse_emoji_file(embedded::emoji_file());
  if (!lexicon || !emoji) {
    // The embedded files are checked in and tested; failing here means a broken build.
    throw std::logic_error("embedded VADER model data is malformed");
  }
  // value(), not operator*: GCC's -Wnull-dereference cannot see through the latter here.
  return std::make_shared<const Model>(std::move(lexicon).value(),
                                       std::make_shared<const EmojiTable>(emoji.value()));
}

}  // namespace

void throw_exception_from_error(const ModelLoadError& error,
                                const boost::source_location& /*location*/) {
  throw std::runtime_error("VADER model data, line " + std::to_string(error.line) + ": " +
                           error.reason);
}

Model::Model(Lexicon lexicon, std::shared_ptr<const EmojiTable> emoji, Lexicon phrases)
    : lexicon_(std::move(lexicon)),
      phrase_lexicon_(std::move(phrases)),
      phrases_(phrase_lexicon_),
      emoji_(std::move(emoji)),
      words_(build_word_infos(lexicon_, phrase_lexicon_)),
      version_(content_version(lexicon_, phrase_lexicon_, *emoji_)) {}

std::shared_ptr<const Model> Model::builtin() {
  // Immutable and built once; every caller shares it.
  static const std::shared_ptr<const Model> instance = build_builtin();
  return instance;
}

boost::system::result<std::shared_ptr<const Model>, ModelLoadError> Model::from_lexicon_text(
    std::string_view text) {
  auto lexicon = parse_lexicon_file(text);
  if (!lexicon) return lexicon.error();
  if (lexicon->empty()) return ModelLoadError{0, "lexicon has no entries"};
  return std::make_shared<const Model>(std::move(lexicon).value(), builtin()->emoji_);
}

boost::system::result<std::shared_ptr<const Model>, ModelLoadError> Model::with_overrides(
    std::shared_ptr<const Model> base, std::string_view overrides_text) {
  if (!base) return ModelLoadError{0, "no base model"};
  auto changes = parse_lexicon_overrides(overrides_text);
  if (!changes) return changes.error();
  Lexicon words = base->lexicon_;
  for (const auto& [word, valence] : changes->words) {
    if (valence) {
      words.insert_or_assign(word, *valence);
    } else {
      words.erase(word);  // removing an absent word is not an error: the file states an outcome
    }
  }
  Lexicon phrases = base->phrase_lexicon_;
  for (const auto& [phrase, valence] : changes->phrases) phrases.insert_or_assign(phrase, valence);
  return std::make_shared<const Model>(std::move(words), base->emoji_, std::move(phrases));
}

}  // namespace smlapi::vader
