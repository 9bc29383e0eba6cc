#include "api/credentials_source.h"

#include <sys/stat.h>

namespace smlapi::api {

namespace {
std::string identity_of(const std::filesystem::path& path) {
  struct stat info {};
  if (::stat(path.c_str(), &info) != 0) return "missing";
  // Mode and owner too: a chmod or chown that makes the file untrusted (or trusted again)
  // changes neither its contents nor its mtime, and must be seen without a SIGHUP.
  return std::to_string(info.st_ino) + ":" + std::to_string(info.st_size) + ":" +
         std::to_string(info.st_mtim.tv_sec) + "." + std::to_string(info.st_mtim.tv_nsec) + ":" +
         std::to_string(info.st_mode) + ":" + std::to_string(info.st_uid);
}
}  // namespace

CredentialsSource::CredentialsSource(std::filesystem::path path)
    : path_(std::move(path)), store_(std::make_shared<const auth::CredentialStore>()) {}

ReloadResult CredentialsSource::reload(bool force) {
  if (path_.empty()) return {};
  std::lock_guard lock(reload_mutex_);
  std::string identity = identity_of(path_);
  if (!force && identity == last_identity_) return {};
  last_identity_ = identity;
  auto loaded = auth::CredentialStore::load(path_);
  if (!loaded) return {ReloadResult::Outcome::failed, loaded.error().message};
  auto store = std::make_shared<const auth::CredentialStore>(std::move(*loaded));
  std::string counts = std::to_string(store->users().size()) + " users, " +
                       std::to_string(store->clients().size()) + " clients";
  store_.store(std::move(store));
  generation_.fetch_add(1, std::memory_order_release);
  return {ReloadResult::Outcome::loaded, std::move(counts)};
}

}  // namespace smlapi::api
