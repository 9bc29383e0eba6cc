// The models this binary serves, built into one registry for `serve` and `score` alike (so
// both score with the same data). Adding a model family is one registration line in
// model_catalog.cc; a family's own options (VADER's lexicon files) are read here because
// reading files is the wiring's job, not the pure model libraries'.
#pragma once

#include "model/model_registry.h"

#include <boost/system/result.hpp>

#include <memory>
#include <string>

namespace smlapi::app {

struct ModelOptions {
  std::string lexicon_file;            // --lexicon: replaces VADER's lexicon
  std::string lexicon_overrides_file;  // --lexicon-overrides: adds to or changes it
};

struct ModelCatalogError {
  std::string message;  // names the option and the line, never file contents
};

// VADER first (the default family of /predict), then AFINN. With lexicon options, VADER's
// default version is the changed lexicon and the built-in one stays available by version.
// `serve` calls it again on every lexicon reload (a new registry, swapped whole); `score` once.
boost::system::result<std::shared_ptr<const model::ModelRegistry>, ModelCatalogError>
build_model_registry(const ModelOptions& options);

}  // namespace smlapi::app
