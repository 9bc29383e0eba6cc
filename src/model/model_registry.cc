#include "model/model_registry.h"

namespace smlapi::model {

bool ModelRegistry::add(std::shared_ptr<const Model> model) {
  const ModelInfo& info = model->info();
  Family* family = nullptr;
  for (Family& existing : families_) {
    if (existing.name == info.name) family = &existing;
  }
  if (family == nullptr) family = &families_.emplace_back(Family{info.name, {}});
  for (std::size_t slot : family->slots) {
    if (models_[slot]->info().version == info.version) return false;
  }
  family->slots.push_back(models_.size());
  models_.push_back(std::move(model));
  return true;
}

const Family* ModelRegistry::family(std::string_view name) const {
  for (const Family& family : families_) {
    if (family.name == name) return &family;
  }
  return nullptr;
}

std::string_view ModelRegistry::default_family() const {
  return families_.empty() ? std::string_view() : std::string_view(families_.front().name);
}

boost::system::result<std::size_t, LookupError> ModelRegistry::find(
    std::string_view name, std::string_view version) const {
  const Family* found = family(name.empty() ? default_family() : name);
  if (found == nullptr) return LookupError::unknown_model;
  if (version.empty()) return found->slots.front();
  for (std::size_t slot : found->slots) {
    if (models_[slot]->info().version == version) return slot;
  }
  return LookupError::unknown_version;
}

}  // namespace smlapi::model
