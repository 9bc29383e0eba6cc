#include "api/models_source.h"

#include <sys/stat.h>

namespace smlapi::api {

namespace {

// What a kubelet ConfigMap update changes: stat() follows the file's symlink through the
// swapped `..data` link, so a new projection is a new inode.
std::string identity_of(const std::filesystem::path& path) {
  struct stat info {};
  if (::stat(path.c_str(), &info) != 0) return "missing";
  return std::to_string(info.st_ino) + ":" + std::to_string(info.st_size) + ":" +
         std::to_string(info.st_mtim.tv_sec) + "." + std::to_string(info.st_mtim.tv_nsec);
}

bool same_versions(const model::ModelRegistry& a, const model::ModelRegistry& b) {
  if (a.size() != b.size()) return false;
  for (std::size_t slot = 0; slot < a.size(); ++slot) {
    if (a.at(slot).info().name != b.at(slot).info().name ||
        a.at(slot).info().version != b.at(slot).info().version) {
      return false;
    }
  }
  return true;
}

}  // namespace

ModelsSource::ModelsSource(Registry fixed) : registry_(std::move(fixed)) {}

ModelsSource::ModelsSource(Registry initial, Loader loader,
                           std::vector<std::filesystem::path> watched)
    : loader_(std::move(loader)), watched_(std::move(watched)), registry_(std::move(initial)) {
  last_identity_ = identity();
}

std::string ModelsSource::identity() const {
  std::string identity;
  for (const auto& path : watched_) identity += identity_of(path) + ";";
  return identity;
}

ReloadResult ModelsSource::reload(bool force) {
  if (!loader_) return {};
  std::lock_guard lock(reload_mutex_);
  std::string now = identity();
  if (!force && now == last_identity_) return {};
  last_identity_ = std::move(now);
  auto loaded = loader_();
  if (!loaded) return {ReloadResult::Outcome::failed, loaded.error()};
  if (same_versions(**loaded, *current())) return {};
  std::string versions = describe_versions(**loaded);
  registry_.store(std::move(*loaded), std::memory_order_release);
  generation_.fetch_add(1, std::memory_order_release);
  return {ReloadResult::Outcome::loaded, "serving " + versions};
}

std::string describe_versions(const model::ModelRegistry& registry) {
  std::string versions;
  for (const model::Family& family : registry.families()) {
    for (std::size_t slot : family.slots) {
      if (!versions.empty()) versions += ", ";
      versions += registry.at(slot).info().version;
    }
  }
  return versions;
}

}  // namespace smlapi::api
