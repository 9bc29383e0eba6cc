#include "auth/secure_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <array>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <string>
#include <utility>

namespace smlapi::auth {
namespace {

Error file_error(const std::filesystem::path& path, std::string_view what) {
  return Error{path.string() + ": " + std::string(what)};
}

Error errno_error(const std::filesystem::path& path, std::string_view what) {
  return file_error(path, std::string(what) + ": " + std::strerror(errno));
}

// Closes the descriptor on every path out of a function.
class FileDescriptor {
 public:
  explicit FileDescriptor(int fd) : fd_(fd) {}
  ~FileDescriptor() {
    if (fd_ >= 0) ::close(fd_);
  }
  FileDescriptor(const FileDescriptor&) = delete;
  FileDescriptor& operator=(const FileDescriptor&) = delete;
  int get() const noexcept { return fd_; }
  int release() noexcept { return std::exchange(fd_, -1); }

 private:
  int fd_;
};

bool write_all(int fd, std::string_view contents) {
  while (!contents.empty()) {
    const ssize_t written = ::write(fd, contents.data(), contents.size());
    if (written < 0) {
      if (errno == EINTR) continue;
      return false;
    }
    contents.remove_prefix(static_cast<std::size_t>(written));
  }
  return true;
}

// Writes, sets the mode regardless of umask, flushes to disk and closes.
boost::system::result<void, Error> finish_file(FileDescriptor& fd,
                                               const std::filesystem::path& path,
                                               std::string_view contents, mode_t mode) {
  if (::fchmod(fd.get(), mode) != 0) return errno_error(path, "cannot set permissions");
  if (!write_all(fd.get(), contents)) return errno_error(path, "cannot write");
  if (::fsync(fd.get()) != 0) return errno_error(path, "cannot flush");
  if (::close(fd.release()) != 0) return errno_error(path, "cannot close");
  return {};
}

void sync_directory(const std::filesystem::path& directory) {
  const FileDescriptor fd(::open(directory.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (fd.get() >= 0) ::fsync(fd.get());
}

bool is_trusted_owner(uid_t owner) { return owner == 0 || owner == ::geteuid(); }

bool is_writable_by_others(mode_t mode) { return (mode & (S_IWGRP | S_IWOTH)) != 0; }

Error untrusted_owner(const std::filesystem::path& path, uid_t owner) {
  return file_error(path, "owned by uid " + std::to_string(owner) +
                              ", neither root nor this process (uid " +
                              std::to_string(::geteuid()) + ")");
}

// The rules on the file itself (see check_file_trust).
boost::system::result<void, Error> check_file_status(const std::filesystem::path& path,
                                                     const struct stat& info,
                                                     FileAudience audience) {
  if (!S_ISREG(info.st_mode)) return file_error(path, "not a regular file");
  if (!is_trusted_owner(info.st_uid)) return untrusted_owner(path, info.st_uid);
  if (is_writable_by_others(info.st_mode)) {
    return file_error(path, "writable by group or others (chmod go-w)");
  }
  if (audience == FileAudience::secret && (info.st_mode & S_IRWXO) != 0) {
    return file_error(path, "secret file accessible by others (chmod o-rwx; group read is fine)");
  }
  return {};
}

// Whoever can write a directory can rename or replace its entries, unless the sticky bit
// limits that to the entries they own.
boost::system::result<void, Error> check_directory(const std::filesystem::path& directory) {
  struct stat info {};
  if (::stat(directory.c_str(), &info) != 0) return errno_error(directory, "cannot examine");
  if (!S_ISDIR(info.st_mode)) return file_error(directory, "not a directory");
  if (!is_trusted_owner(info.st_uid)) return untrusted_owner(directory, info.st_uid);
  const bool sticky = (info.st_mode & S_ISVTX) != 0;
  if (is_writable_by_others(info.st_mode) && !sticky) {
    return file_error(directory, "directory writable by group or others (and not sticky)");
  }
  return {};
}

// Every directory from the one holding `entry` (absolute) up to the root.
boost::system::result<void, Error> check_directories_above(const std::filesystem::path& entry) {
  for (std::filesystem::path directory = entry.parent_path();;
       directory = directory.parent_path()) {
    if (auto trusted = check_directory(directory); !trusted) return trusted;
    if (directory == directory.root_path() || !directory.has_parent_path()) return {};
  }
}

// The directories above `path` as given, above each symbolic link it leads through (one hop
// at a time: the kubelet's <name> -> ..data/<name>), and above the resolved file.
boost::system::result<void, Error> check_directories_on_path(const std::filesystem::path& path) {
  constexpr int kMaxLinkHops = 40;  // the kernel's own limit (ELOOP)
  std::error_code error;
  std::filesystem::path hop = std::filesystem::absolute(path, error);
  for (int hops = 0; !error && hops < kMaxLinkHops; ++hops) {
    if (auto trusted = check_directories_above(hop); !trusted) return trusted;
    if (!std::filesystem::is_symlink(hop, error) || error) break;
    const std::filesystem::path target = std::filesystem::read_symlink(hop, error);
    hop = target.is_absolute() ? target : hop.parent_path() / target;
  }
  const std::filesystem::path resolved = std::filesystem::canonical(path, error);
  if (error) return file_error(path, "cannot resolve: " + error.message());
  return check_directories_above(resolved);
}

boost::system::result<std::string, Error> read_descriptor(int fd, const std::filesystem::path& path,
                                                          std::size_t max_bytes) {
  std::string contents;
  std::array<char, 4096> buffer{};
  for (;;) {
    const ssize_t got = ::read(fd, buffer.data(), buffer.size());
    if (got < 0 && errno == EINTR) continue;
    if (got < 0) return errno_error(path, "read error");
    if (got == 0) return {boost::system::in_place_value, std::move(contents)};
    contents.append(buffer.data(), static_cast<std::size_t>(got));
    if (contents.size() > max_bytes) return file_error(path, "file too large");
  }
}

}  // namespace

boost::system::result<std::string, Error> read_small_file(const std::filesystem::path& path,
                                                          std::size_t max_bytes) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return file_error(path, "cannot open");
  std::string contents;
  std::array<char, 4096> buffer{};
  while (in) {
    in.read(buffer.data(), buffer.size());
    contents.append(buffer.data(), static_cast<std::size_t>(in.gcount()));
    if (contents.size() > max_bytes) return file_error(path, "file too large");
  }
  if (in.bad()) return file_error(path, "read error");
  return {boost::system::in_place_value, std::move(contents)};
}

boost::system::result<void, Error> write_new_file(const std::filesystem::path& path,
                                                  std::string_view contents, mode_t mode) {
  FileDescriptor fd(
      ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode));
  if (fd.get() < 0) return errno_error(path, "cannot create");
  return finish_file(fd, path, contents, mode);
}

boost::system::result<void, Error> replace_file_atomically(const std::filesystem::path& path,
                                                           std::string_view contents, mode_t mode) {
  const std::filesystem::path directory =
      path.has_parent_path() ? path.parent_path() : std::filesystem::path(".");
  std::string temporary_name = ".";
  temporary_name += path.filename().string();
  temporary_name += ".tmp-XXXXXX";
  std::string pattern = (directory / temporary_name).string();
  FileDescriptor fd(::mkstemp(pattern.data()));  // mkstemp creates with mode 0600
  if (fd.get() < 0) return errno_error(path, "cannot create temporary file");
  const std::filesystem::path temporary(pattern);
  if (auto written = finish_file(fd, temporary, contents, mode); !written) {
    ::unlink(temporary.c_str());
    return written;
  }
  if (::rename(temporary.c_str(), path.c_str()) != 0) {
    const Error error = errno_error(path, "cannot replace");
    ::unlink(temporary.c_str());
    return error;
  }
  sync_directory(directory);
  return {};
}

boost::system::result<void, Error> check_file_trust(const std::filesystem::path& path,
                                                    FileAudience audience) {
  struct stat info {};
  if (::stat(path.c_str(), &info) != 0) return errno_error(path, "cannot examine");
  if (auto trusted = check_file_status(path, info, audience); !trusted) return trusted;
  return check_directories_on_path(path);
}

boost::system::result<std::string, Error> read_trusted_file(const std::filesystem::path& path,
                                                            FileAudience audience,
                                                            std::size_t max_bytes) {
  // O_NONBLOCK: a FIFO planted in place of the file must not block the open; fstat refuses it.
  FileDescriptor fd(::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC));
  if (fd.get() < 0) return errno_error(path, "cannot open");
  struct stat info {};
  if (::fstat(fd.get(), &info) != 0) return errno_error(path, "cannot examine");
  if (auto trusted = check_file_status(path, info, audience); !trusted) return trusted.error();
  if (auto trusted = check_directories_on_path(path); !trusted) return trusted.error();
  return read_descriptor(fd.get(), path, max_bytes);
}

}  // namespace smlapi::auth
