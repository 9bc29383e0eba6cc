// The users file as the server sees it: loaded at start, re-read when it
// changes on disk (checked on a timer) or on SIGHUP, swapped atomically so
// requests never see a half-loaded store. A bad file keeps the previous one.
#pragma once

#include "auth/credential_store.h"

#include <atomic>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <mutex>
#include <string>

namespace smlapi::api {

// What a reload did, for the caller to log or to refuse start-up on.
struct ReloadResult {
  enum class Outcome {
    unchanged,  // nothing to do: no users file, or not forced and the file is the same
    loaded,     // the new store is live; detail counts its users and clients
    failed,     // the file could not be used; detail says why, the previous store stays
  };
  Outcome outcome = Outcome::unchanged;
  std::string detail;
};

class CredentialsSource {
 public:
  // An empty path means "no users file": every login fails (there is no default account).
  explicit CredentialsSource(std::filesystem::path path);

  std::shared_ptr<const auth::CredentialStore> current() const { return store_.load(); }
  // Bumped after each store that becomes current(): a worker that saw this number holds the
  // store of that generation or a newer one, so comparing it is the whole per-request cost of
  // following the users file (tokens whose authority was withdrawn, plans).
  std::uint64_t generation() const { return generation_.load(std::memory_order_acquire); }
  // Re-reads when forced or when the file's identity (mtime, size, inode) changed.
  ReloadResult reload(bool force);
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
  std::atomic<std::shared_ptr<const auth::CredentialStore>> store_;
  std::atomic<std::uint64_t> generation_{1};
  std::mutex reload_mutex_;
  std::string last_identity_;
};

}  // namespace smlapi::api
