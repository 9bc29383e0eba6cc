// The signing and verification keys as the server sees them: loaded at start, re-read from
// --keys-dir when its files change (checked on each housekeeping tick: the kubelet swaps a
// Secret volume's `..data` link on update) or on SIGHUP, published as numbered generations.
// Workers compare the generation number on each request (one atomic load) and rebuild their
// verifier when it moved; /token issues with the current generation's issuer. A directory that
// fails to load keeps the previous generation live.
#pragma once

#include "api/credentials_source.h"
#include "auth/key_directory.h"
#include "auth/key_set.h"
#include "auth/token_issuer.h"

#include <boost/system/result.hpp>

#include <atomic>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <mutex>
#include <string>

namespace smlapi::api {

// One version of the keys: what verifies, and what signs (null issuer: a verify-only replica).
struct KeyGeneration {
  std::uint64_t number = 0;
  std::shared_ptr<const auth::KeySet> keys;
  std::shared_ptr<const auth::TokenIssuer> issuer;
};

class KeysSource {
 public:
  // A set that never changes (the ephemeral key, tests); reload() leaves it as it is.
  KeysSource(std::shared_ptr<const auth::KeySet> keys,
             std::shared_ptr<const auth::TokenIssuer> issuer);

  // Loads `directory` now; fails as load_key_directory (or TokenIssuer::create) does.
  static boost::system::result<std::shared_ptr<KeysSource>, auth::Error> open(
      std::filesystem::path directory, auth::KeyDirectoryOptions options,
      auth::IssuerConfig issuer);

  std::shared_ptr<const KeyGeneration> current() const { return current_.load(); }
  // Moves after current() changed: a reader that sees a new number finds at least that
  // generation in current().
  std::uint64_t generation() const noexcept { return generation_.load(std::memory_order_acquire); }

  // Re-reads the directory when forced or when a key file's identity (inode, size, mtime, seen
  // through the links) changed.
  ReloadResult reload(bool force);

 private:
  KeysSource() = default;
  boost::system::result<std::shared_ptr<const KeyGeneration>, auth::Error> load() const;
  void publish(std::shared_ptr<const KeyGeneration> generation);

  std::filesystem::path directory_;  // empty: a fixed set
  auth::KeyDirectoryOptions options_;
  auth::IssuerConfig issuer_config_;
  std::atomic<std::shared_ptr<const KeyGeneration>> current_;
  std::atomic<std::uint64_t> generation_{0};
  std::mutex reload_mutex_;
  std::string last_identity_;
};

}  // namespace smlapi::api
