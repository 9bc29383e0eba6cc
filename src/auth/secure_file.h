// Reading and writing files that hold secrets: new files are created with an explicit mode
// (never through the umask), replacements are atomic (temporary file, fsync, rename), and
// reads are bounded in size.
#pragma once

#include <sys/types.h>
#include <filesystem>
#include <string>
#include <string_view>

#include <boost/system/result.hpp>

#include "auth/error.h"

namespace smlapi::auth {

inline constexpr std::size_t kMaxSecretFileBytes = 1 << 20;

// The whole file, failing if it is larger than `max_bytes`.
boost::system::result<std::string, Error> read_small_file(
    const std::filesystem::path& path, std::size_t max_bytes = kMaxSecretFileBytes);

// Creates `path` with `mode`; fails if it exists (O_EXCL) or is a symbolic link.
boost::system::result<void, Error> write_new_file(const std::filesystem::path& path,
                                                  std::string_view contents, mode_t mode);

// Replaces `path` atomically with a file of `mode`: readers see the old or the new content,
// never a mixture, even after a crash.
boost::system::result<void, Error> replace_file_atomically(const std::filesystem::path& path,
                                                           std::string_view contents, mode_t mode);

// Who may read a file that is trusted: what check_file_trust adds to the write rules.
enum class FileAudience {
  public_material,  // anyone may read it (a public key, the name of the active kid)
  secret,           // owner and group only (private keys, HS256 secrets, password hashes)
};

// The one file-trust rule of every file the service takes keys or credentials from. A file is
// trusted when, after following symbolic links:
//   - it is a regular file owned by root or by this process's effective uid;
//   - neither group nor others may write it; a `secret` gives others no access at all, but its
//     group may read it: the kubelet projects a Secret root-owned with group = fsGroup and mode
//     defaultMode | 0440, so a group-readable key is the normal case in a pod;
//   - every directory on the way to it, along the path as given and along the resolved path
//     (so also the timestamped directory behind Kubernetes' `..data` link), is owned by root or
//     this uid and writable by nobody else, unless its sticky bit is set: then nobody can
//     rename or remove an entry they do not own (/tmp, a Secret volume's tmpfs, mode 3777).
// Anyone who could write such a file or swap an entry on its path could plant a key or an
// account, so a failure names the file and the broken rule, never the contents.
boost::system::result<void, Error> check_file_trust(const std::filesystem::path& path,
                                                    FileAudience audience);

// check_file_trust, then the whole file as read_small_file does. The file rules are checked on
// the opened descriptor, so what is checked is what is read.
boost::system::result<std::string, Error> read_trusted_file(
    const std::filesystem::path& path, FileAudience audience,
    std::size_t max_bytes = kMaxSecretFileBytes);

}  // namespace smlapi::auth
