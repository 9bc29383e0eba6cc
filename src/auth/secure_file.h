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

// True if group or others have any permission on `path` (after following symbolic links).
bool is_accessible_by_others(const std::filesystem::path& path);

}  // namespace smlapi::auth
