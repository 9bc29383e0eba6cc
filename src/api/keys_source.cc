#include "api/keys_source.h"

#include <sys/stat.h>

#include <algorithm>
#include <vector>

namespace smlapi::api {

namespace {

namespace fs = std::filesystem;

// The identity of what a load would read: the version `..data` points to (the kubelet swaps
// it on update; its own links around it come and go in several steps and are not looked at),
// else the directory's entries as they resolve. A swapped link, a replaced or rewritten file
// all change it.
std::string identity_of(const fs::path& directory) {
  std::error_code error;
  std::string identity;
  fs::path listed = directory;
  if (const fs::path data = directory / "..data"; fs::is_symlink(data, error)) {
    identity = fs::read_symlink(data, error).string() + "\n";
    listed = data;
  }
  error.clear();  // no `..data` is no error
  std::vector<std::string> entries;
  for (fs::directory_iterator it(listed, error), end; !error && it != end; it.increment(error)) {
    const std::string name = it->path().filename().string();
    if (name.empty() || name.front() == '.') continue;
    struct stat info {};
    if (::stat(it->path().c_str(), &info) != 0) {
      entries.push_back(name + ":missing");
      continue;
    }
    entries.push_back(name + ":" + std::to_string(info.st_ino) + ":" +
                      std::to_string(info.st_size) + ":" + std::to_string(info.st_mtim.tv_sec) +
                      "." + std::to_string(info.st_mtim.tv_nsec));
  }
  if (error) return "unreadable: " + error.message();
  std::sort(entries.begin(), entries.end());
  for (const std::string& entry : entries) identity.append(entry).push_back('\n');
  return identity;
}

std::string describe(const KeyGeneration& generation) {
  std::string detail = "generation " + std::to_string(generation.number) + ", kids";
  for (const std::string& kid : generation.keys->kids()) detail += " " + kid;
  detail += generation.issuer ? ", signing with " + generation.issuer->signing_key().kid()
                              : ", verify only";
  return detail;
}

}  // namespace

KeysSource::KeysSource(std::shared_ptr<const auth::KeySet> keys,
                       std::shared_ptr<const auth::TokenIssuer> issuer) {
  publish(
      std::make_shared<const KeyGeneration>(KeyGeneration{1, std::move(keys), std::move(issuer)}));
}

boost::system::result<std::shared_ptr<KeysSource>, auth::Error> KeysSource::open(
    std::filesystem::path directory, auth::KeyDirectoryOptions options, auth::IssuerConfig issuer) {
  std::shared_ptr<KeysSource> source(new KeysSource());
  source->directory_ = std::move(directory);
  source->options_ = std::move(options);
  source->issuer_config_ = std::move(issuer);
  source->last_identity_ = identity_of(source->directory_);
  auto first = source->load();
  if (!first) return first.error();
  source->publish(std::move(first).value());
  return source;
}

boost::system::result<std::shared_ptr<const KeyGeneration>, auth::Error> KeysSource::load() const {
  auto keys = auth::load_key_directory(directory_, options_);
  if (!keys) return keys.error();
  auto generation = std::make_shared<KeyGeneration>();
  generation->number = generation_.load(std::memory_order_relaxed) + 1;
  generation->keys = std::make_shared<const auth::KeySet>(std::move(keys).value());
  if (const auto& signing = generation->keys->signing_key()) {
    auto issuer = auth::TokenIssuer::create(issuer_config_, *signing);
    if (!issuer) return issuer.error();
    generation->issuer = std::make_shared<const auth::TokenIssuer>(std::move(issuer).value());
  }
  return std::shared_ptr<const KeyGeneration>(std::move(generation));
}

void KeysSource::publish(std::shared_ptr<const KeyGeneration> generation) {
  const std::uint64_t number = generation->number;
  current_.store(std::move(generation));
  generation_.store(number, std::memory_order_release);  // after current_: see generation()
}

ReloadResult KeysSource::reload(bool force) {
  if (directory_.empty()) return {};
  std::lock_guard lock(reload_mutex_);
  std::string identity = identity_of(directory_);
  if (!force && identity == last_identity_) return {};
  // Remembered even when the load fails: a bad directory is reported once, not every tick,
  // and retried as soon as it changes again.
  last_identity_ = std::move(identity);
  auto loaded = load();
  if (!loaded) return {ReloadResult::Outcome::failed, loaded.error().message};
  std::string detail = describe(**loaded);
  publish(std::move(loaded).value());
  return {ReloadResult::Outcome::loaded, std::move(detail)};
}

}  // namespace smlapi::api
