#include "http/handshake_filter.h"

#include <linux/filter.h>
#include <sys/socket.h>

#include <array>
#include <cstdint>

namespace smlapi::http {

namespace {
// The filter runs on each segment the listener receives, with the data starting at the TCP
// header (IPv4 and IPv6 alike): byte 13 holds the flags. A segment with SYN set and ACK clear
// is a new connection attempt: dropped. Everything else (the final ACK of a handshake in
// flight, its first data) passes whole.
constexpr std::uint32_t kTcpFlagsOffset = 13;
constexpr std::uint32_t kSyn = 0x02;
constexpr std::uint32_t kAck = 0x10;

constexpr std::array<sock_filter, 5> kDropNewSyns{{
    BPF_STMT(BPF_LD | BPF_B | BPF_ABS, kTcpFlagsOffset),
    BPF_STMT(BPF_ALU | BPF_AND | BPF_K, kSyn | kAck),
    BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, kSyn, 0, 1), BPF_STMT(BPF_RET | BPF_K, 0),  // drop
    BPF_STMT(BPF_RET | BPF_K, 0xFFFFFFFF),  // keep the whole segment
}};
}  // namespace

bool ignore_new_connection_attempts(int listening_socket) noexcept {
  std::array<sock_filter, kDropNewSyns.size()> code = kDropNewSyns;  // the API takes non-const
  sock_fprog program{static_cast<unsigned short>(code.size()), code.data()};
  return ::setsockopt(listening_socket, SOL_SOCKET, SO_ATTACH_FILTER, &program, sizeof program) ==
         0;
}

}  // namespace smlapi::http
