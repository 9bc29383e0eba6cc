// The models a service serves, built in the wiring and then read-only (so every thread reads it
// without locks). A lexicon reload builds a new registry and swaps it whole
// (api::ModelsSource); workers take the new one between requests. Models are grouped by family
// name; each family has one or more versions, the first added being its default. Every model gets a
// slot: a dense index that per-worker state (a Scorer per model) is kept by.
#pragma once

#include "model/model.h"

#include <boost/system/result.hpp>

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace smlapi::model {

enum class LookupError {
  unknown_model,    // no family of that name: 404
  unknown_version,  // the family exists, not that version: 404
};

struct Family {
  std::string name;
  std::vector<std::size_t> slots;  // versions, default first
};

class ModelRegistry {
 public:
  // Adds a version to its family (creating the family). False when that family already has
  // a model with the same version (same content: nothing to add).
  bool add(std::shared_ptr<const Model> model);

  // Empty `version`: the family's default. An absent family name: the default family (the
  // first one added).
  boost::system::result<std::size_t, LookupError> find(std::string_view name,
                                                       std::string_view version = {}) const;

  const Model& at(std::size_t slot) const { return *models_[slot]; }
  std::size_t size() const { return models_.size(); }
  const std::vector<Family>& families() const { return families_; }
  const Family* family(std::string_view name) const;
  std::string_view default_family() const;

 private:
  std::vector<std::shared_ptr<const Model>> models_;
  std::vector<Family> families_;
};

}  // namespace smlapi::model
