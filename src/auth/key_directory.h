// Key files on disk. A key directory holds one file per key, named after its kid:
//
//   <kid>.pem       PEM private key (PKCS#8 or traditional, unencrypted): a key this process
//                   can sign with. Its algorithm follows from its type: RSA (>= 2048 bits)
//                   -> RS256, EC P-256 -> ES256, Ed25519 -> EdDSA.
//   <kid>.pub.pem   PEM public key (SubjectPublicKeyInfo): verify only. Replicas and other
//                   services that only verify get these files and no private key. If
//                   <kid>.pem is also present the two must match.
//   <kid>.hs256     raw HS256 secret, 32 to 4096 random bytes (e.g. `openssl rand -out k.hs256
//                   32`). Never published in the JWKS.
//   active          optional: the kid of the key to sign with (whitespace around it ignored).
//
// Other files, sub-directories and names starting with '.' (such as Kubernetes' ..data links)
// are ignored; a directory with a `..data` link (a Kubernetes Secret volume) is read through
// that link, so one load sees one version of the Secret. kids must match
// [A-Za-z0-9][A-Za-z0-9._-]{0,63}. Every file must pass check_file_trust (secure_file.h):
// owned by root or this uid, writable by nobody else, on a path nobody else can rewrite;
// private keys and secrets (FileAudience::secret) may be group-readable (fsGroup) but give
// others no access.
//
// The signing key is, in order: the kid passed to load_key_directory, the kid in `active`,
// the only private key or secret in the directory; with several candidates and no choice the
// load fails. A directory without private keys yields a verify-only KeySet.
#pragma once

#include <filesystem>
#include <optional>
#include <string>

#include <boost/system/result.hpp>

#include "auth/algorithm.h"
#include "auth/error.h"
#include "auth/key_set.h"

namespace smlapi::auth {

struct KeyDirectoryOptions {
  std::optional<std::string> active_kid;
};

boost::system::result<KeySet, Error> load_key_directory(const std::filesystem::path& directory,
                                                        const KeyDirectoryOptions& options = {});

struct GeneratedKeyFiles {
  std::filesystem::path private_file;                // <kid>.pem or <kid>.hs256, mode 0600
  std::optional<std::filesystem::path> public_file;  // <kid>.pub.pem, mode 0644 (not HS256)
};

// Creates a new key in `directory` (created with mode 0700 if missing). Never overwrites an
// existing file: the kid of a new key must be new. Backs `secure-ml-api keys generate`.
boost::system::result<GeneratedKeyFiles, Error> generate_key_files(
    Algorithm algorithm, std::string_view kid, const std::filesystem::path& directory,
    int rsa_bits = 3072);

}  // namespace smlapi::auth
