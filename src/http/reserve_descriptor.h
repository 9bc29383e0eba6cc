// One file descriptor held back for the moment the process runs out (EMFILE/ENFILE). A
// connection that cannot be accepted stays in the listen backlog and keeps the listening socket
// readable, so a loop that simply accepts again spins at full CPU while clients wait. With a
// reserve, the worker frees it, accepts the waiting connection with it, answers 503 and closes,
// then takes the reserve back: clients hear why, the backlog drains, the loop goes idle. (The
// technique libuv and several servers use; nothing in Asio does it.)
#pragma once

namespace smlapi::http {

class ReserveDescriptor {
 public:
  ReserveDescriptor() { acquire(); }
  ReserveDescriptor(const ReserveDescriptor&) = delete;
  ReserveDescriptor& operator=(const ReserveDescriptor&) = delete;
  ~ReserveDescriptor() { release(); }

  // Holds a descriptor again (a no-op when it holds one). False when none is free.
  bool acquire() noexcept;
  // Gives the descriptor back to the process. False when none was held.
  bool release() noexcept;
  bool held() const noexcept { return fd_ >= 0; }

 private:
  int fd_ = -1;
};

}  // namespace smlapi::http
