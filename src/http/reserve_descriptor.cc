#include "http/reserve_descriptor.h"

#include <fcntl.h>
#include <unistd.h>

namespace smlapi::http {

bool ReserveDescriptor::acquire() noexcept {
  if (fd_ < 0) fd_ = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
  return fd_ >= 0;
}

bool ReserveDescriptor::release() noexcept {
  if (fd_ < 0) return false;
  ::close(fd_);
  fd_ = -1;
  return true;
}

}  // namespace smlapi::http
