// The models the service scores with, as the workers see them: a registry loaded at start and
// rebuilt when the lexicon files change on disk (checked on a timer) or on SIGHUP, swapped
// atomically. A worker takes the current registry between requests (WorkerState::follow_models),
// so one request is answered entirely with one registry; a file that cannot be used keeps the
// last good registry. Reading and parsing the files is the loader's job (the wiring's).
#pragma once

#include "api/credentials_source.h"
#include "model/model_registry.h"

#include <boost/system/result.hpp>

#include <atomic>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace smlapi::api {

class ModelsSource {
 public:
  using Registry = std::shared_ptr<const model::ModelRegistry>;
  // Builds a registry from the files; the error says which file and line failed.
  using Loader = std::function<boost::system::result<Registry, std::string>()>;

  // A registry that never changes (no lexicon files, or tests).
  explicit ModelsSource(Registry fixed);
  // `initial` was built by `loader` from `watched` (the files whose change triggers a reload).
  ModelsSource(Registry initial, Loader loader, std::vector<std::filesystem::path> watched);

  Registry current() const { return registry_.load(std::memory_order_acquire); }
  // Bumped after each registry that becomes current(): comparing it is a worker's whole
  // per-request cost of following reloads.
  std::uint64_t generation() const { return generation_.load(std::memory_order_acquire); }
  // Rebuilds when forced or when a watched file's identity (inode, size, mtime) changed. A
  // result with the same model versions as the current registry changes nothing.
  ReloadResult reload(bool force);

 private:
  std::string identity() const;

  Loader loader_;
  std::vector<std::filesystem::path> watched_;
  std::atomic<Registry> registry_;
  std::atomic<std::uint64_t> generation_{1};
  std::mutex reload_mutex_;
  std::string last_identity_;
};

// "vader-3.3.2+…, vader-3.3.2+…, afinn-…": every version a registry serves, default first.
std::string describe_versions(const model::ModelRegistry& registry);

}  // namespace smlapi::api
