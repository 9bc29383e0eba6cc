#include "app/model_catalog.h"

#include "afinn/model.h"
#include "afinn/sentiment_model.h"
#include "vader/model.h"
#include "vader/sentiment_model.h"

#include <fstream>
#include <optional>
#include <sstream>

namespace smlapi::app {

namespace {

std::optional<std::string> read_file(const std::string& path) {
  std::ifstream file(path, std::ios::binary);
  if (!file) return std::nullopt;
  std::ostringstream content;
  content << file.rdbuf();
  return content.str();
}

// VADER's data: the built-in lexicon, or --lexicon's, plus --lexicon-overrides.
boost::system::result<std::shared_ptr<const vader::Model>, ModelCatalogError> load_vader(
    const ModelOptions& options) {
  std::shared_ptr<const vader::Model> data = vader::Model::builtin();
  if (!options.lexicon_file.empty()) {
    auto text = read_file(options.lexicon_file);
    if (!text) return ModelCatalogError{"cannot read --lexicon file"};
    auto loaded = vader::Model::from_lexicon_text(*text);
    if (!loaded) {
      return ModelCatalogError{"--lexicon line " + std::to_string(loaded.error().line) + ": " +
                               loaded.error().reason};
    }
    data = *loaded;
  }
  if (!options.lexicon_overrides_file.empty()) {
    auto text = read_file(options.lexicon_overrides_file);
    if (!text) return ModelCatalogError{"cannot read --lexicon-overrides file"};
    auto loaded = vader::Model::with_overrides(data, *text);
    if (!loaded) {
      return ModelCatalogError{"--lexicon-overrides line " + std::to_string(loaded.error().line) +
                               ": " + loaded.error().reason};
    }
    data = *loaded;
  }
  return data;
}

}  // namespace

boost::system::result<std::shared_ptr<const model::ModelRegistry>, ModelCatalogError>
build_model_registry(const ModelOptions& options) {
  auto vader_data = load_vader(options);
  if (!vader_data) return vader_data.error();
  auto registry = std::make_shared<model::ModelRegistry>();
  registry->add(std::make_shared<vader::SentimentModel>(*vader_data));
  registry->add(std::make_shared<vader::SentimentModel>(vader::Model::builtin()));  // by version
  registry->add(std::make_shared<afinn::SentimentModel>(afinn::Model::builtin()));
  return std::shared_ptr<const model::ModelRegistry>(std::move(registry));
}

}  // namespace smlapi::app
