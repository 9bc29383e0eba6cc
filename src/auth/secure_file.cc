#include "auth/secure_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <array>
#include <cerrno>
#include <cstring>
#include <fstream>
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

bool is_accessible_by_others(const std::filesystem::path& path) {
  struct stat info {};
  if (::stat(path.c_str(), &info) != 0) return true;
  return (info.st_mode & (S_IRWXG | S_IRWXO)) != 0;
}

}  // namespace smlapi::auth
