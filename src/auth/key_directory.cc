#include "auth/key_directory.h"

#include <sys/stat.h>
#include <algorithm>
#include <map>
#include <vector>

#include "auth/names.h"
#include "auth/secure_file.h"

namespace smlapi::auth {
namespace {

namespace fs = std::filesystem;

constexpr std::string_view kPrivateSuffix = ".pem";
constexpr std::string_view kPublicSuffix = ".pub.pem";
constexpr std::string_view kSecretSuffix = ".hs256";
constexpr std::string_view kActiveFile = "active";
constexpr std::size_t kMaxActiveFileBytes = 256;
constexpr std::string_view kKubernetesDataLink = "..data";

enum class KeyFileKind { private_key, public_key, hs256_secret };

struct KeyFile {
  fs::path path;
  KeyFileKind kind;
};

// The files of one kid, as found in the directory.
struct KeyFiles {
  std::optional<KeyFile> secret_or_private;  // <kid>.pem or <kid>.hs256
  std::optional<fs::path> public_pem;        // <kid>.pub.pem
};

bool ends_with(std::string_view text, std::string_view suffix) {
  return text.size() > suffix.size() && text.substr(text.size() - suffix.size()) == suffix;
}

// (kid, kind) for a key file name; std::nullopt for files that are not keys.
std::optional<std::pair<std::string, KeyFileKind>> classify(std::string_view name) {
  const auto strip = [&](std::string_view suffix) {
    return std::string(name.substr(0, name.size() - suffix.size()));
  };
  if (ends_with(name, kPublicSuffix))
    return std::pair{strip(kPublicSuffix), KeyFileKind::public_key};
  if (ends_with(name, kPrivateSuffix))
    return std::pair{strip(kPrivateSuffix), KeyFileKind::private_key};
  if (ends_with(name, kSecretSuffix))
    return std::pair{strip(kSecretSuffix), KeyFileKind::hs256_secret};
  return std::nullopt;
}

boost::system::result<std::map<std::string, KeyFiles>, Error> list_key_files(const fs::path& dir) {
  std::error_code error;
  fs::directory_iterator entries(dir, error);
  if (error) return Error{dir.string() + ": cannot list key directory: " + error.message()};
  std::map<std::string, KeyFiles> files;
  for (const auto& entry : entries) {
    const std::string name = entry.path().filename().string();
    if (name.empty() || name.front() == '.' || !entry.is_regular_file(error)) continue;
    const auto classified = classify(name);
    if (!classified) continue;
    const auto& [kid, kind] = *classified;
    if (!is_valid_key_id(kid)) return Error{entry.path().string() + ": invalid kid '" + kid + "'"};
    KeyFiles& slot = files[kid];
    if (kind == KeyFileKind::public_key) {
      slot.public_pem = entry.path();
    } else if (slot.secret_or_private) {
      return Error{dir.string() + ": kid '" + kid + "' has both a .pem and a .hs256 file"};
    } else {
      slot.secret_or_private = KeyFile{entry.path(), kind};
    }
  }
  return files;
}

boost::system::result<SigningKey, Error> load_signing_key(const std::string& kid,
                                                          const KeyFile& file) {
  auto contents = read_trusted_file(file.path, FileAudience::secret);
  if (!contents) return contents.error();
  if (file.kind == KeyFileKind::hs256_secret)
    return SigningKey::from_hs256_secret(kid, contents.value());
  return SigningKey::from_pem(kid, contents.value());
}

std::string trim(std::string_view text) {
  const auto first = text.find_first_not_of(" \t\r\n");
  if (first == std::string_view::npos) return {};
  const auto last = text.find_last_not_of(" \t\r\n");
  return std::string(text.substr(first, last - first + 1));
}

// The kid to sign with, or std::nullopt for a verify-only set.
boost::system::result<std::optional<std::string>, Error> choose_active_kid(
    const fs::path& dir, const KeyDirectoryOptions& options,
    const std::map<std::string, SigningKey>& signing_keys) {
  if (options.active_kid) return std::optional<std::string>(*options.active_kid);
  const fs::path active = dir / kActiveFile;
  std::error_code error;
  if (fs::is_regular_file(active, error)) {
    auto contents = read_trusted_file(active, FileAudience::public_material, kMaxActiveFileBytes);
    if (!contents) return contents.error();
    return std::optional<std::string>(trim(contents.value()));
  }
  if (signing_keys.size() > 1) {
    return Error{dir.string() + ": several private keys; name the signing key in '" +
                 std::string(kActiveFile) + "'"};
  }
  if (signing_keys.empty()) return std::optional<std::string>();
  return std::optional<std::string>(signing_keys.begin()->first);
}

// Kubernetes' atomic writer swaps `..data` to a new timestamped directory when a projected
// Secret changes; reading through the link once means one load sees one version of the Secret,
// never old files next to new ones.
fs::path current_version_of(const fs::path& directory) {
  std::error_code error;
  const fs::path data = directory / kKubernetesDataLink;
  if (!fs::is_symlink(data, error)) return directory;
  fs::path resolved = fs::canonical(data, error);
  return error ? directory : resolved;
}

}  // namespace

boost::system::result<KeySet, Error> load_key_directory(const fs::path& given_directory,
                                                        const KeyDirectoryOptions& options) {
  const fs::path directory = current_version_of(given_directory);
  auto listed = list_key_files(directory);
  if (!listed) return listed.error();
  const std::map<std::string, KeyFiles> files = std::move(listed).value();

  std::vector<VerificationKey> verification_keys;
  std::map<std::string, SigningKey> signing_keys;
  for (const auto& [kid, key_files] : files) {
    if (key_files.secret_or_private) {
      auto key = load_signing_key(kid, *key_files.secret_or_private);
      if (!key) return key.error();
      signing_keys.emplace(kid, std::move(key).value());
    }
    if (key_files.public_pem) {
      auto contents = read_trusted_file(*key_files.public_pem, FileAudience::public_material);
      if (!contents) return contents.error();
      auto key = VerificationKey::from_pem(kid, contents.value());
      if (!key) return key.error();
      verification_keys.push_back(std::move(key).value());
    }
  }

  auto chosen = choose_active_kid(directory, options, signing_keys);
  if (!chosen) return chosen.error();
  const std::optional<std::string> active_kid = std::move(chosen).value();
  std::optional<SigningKey> active;
  if (active_kid) {
    const auto found = signing_keys.find(*active_kid);
    if (found == signing_keys.end()) {
      return Error{directory.string() + ": no private key or secret for the active kid '" +
                   *active_kid + "'"};
    }
    active = found->second;
  }
  // Every private key verifies too (tokens signed before the active key changed); KeySet::create
  // adds the active one itself and checks it against a .pub.pem of the same kid.
  for (const auto& [kid, key] : signing_keys) {
    const std::string& name = kid;  // clang 14 cannot capture structured bindings
    const auto public_file =
        std::find_if(verification_keys.begin(), verification_keys.end(),
                     [&](const VerificationKey& v) { return v.kid() == name; });
    if (public_file != verification_keys.end()) {
      if (!have_same_key_material(*public_file, key.verification_key())) {
        return Error{directory.string() + ": " + kid + ".pub.pem does not match " + kid +
                     "'s private key"};
      }
    } else if (!active || active->kid() != kid) {
      verification_keys.push_back(key.verification_key());
    }
  }
  return KeySet::create(std::move(verification_keys), std::move(active));
}

boost::system::result<GeneratedKeyFiles, Error> generate_key_files(Algorithm algorithm,
                                                                   std::string_view kid,
                                                                   const fs::path& directory,
                                                                   int rsa_bits) {
  if (!is_valid_key_id(kid) || ends_with(kid, ".pub")) {
    return Error{"invalid kid '" + std::string(kid) +
                 "': use 1-64 of [A-Za-z0-9._-], starting "
                 "with a letter or digit, not ending in .pub"};
  }
  std::error_code error;
  if (!fs::exists(directory, error)) {
    fs::create_directories(directory, error);
    if (error) return Error{directory.string() + ": cannot create: " + error.message()};
    fs::permissions(directory, fs::perms::owner_all, error);
  }
  for (const auto suffix : {kPrivateSuffix, kPublicSuffix, kSecretSuffix}) {
    if (fs::exists(directory / (std::string(kid) + std::string(suffix)), error)) {
      return Error{directory.string() + ": a key named '" + std::string(kid) + "' already exists"};
    }
  }

  auto generated_key = SigningKey::generate(algorithm, kid, rsa_bits);
  if (!generated_key) return generated_key.error();
  const SigningKey key = std::move(generated_key).value();
  const std::string_view private_suffix =
      algorithm == Algorithm::HS256 ? kSecretSuffix : kPrivateSuffix;
  GeneratedKeyFiles generated{directory / (std::string(kid) + std::string(private_suffix)), {}};
  if (auto written = write_new_file(generated.private_file, key.private_material(), 0600);
      !written) {
    return written.error();
  }
  if (const auto public_pem = key.verification_key().public_pem()) {
    generated.public_file = directory / (std::string(kid) + std::string(kPublicSuffix));
    if (auto written = write_new_file(*generated.public_file, *public_pem, 0644); !written) {
      return written.error();
    }
  }
  return generated;
}

}  // namespace smlapi::auth
