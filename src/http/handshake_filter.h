// Closing a listening socket resets every connection whose handshake the kernel had not yet
// handed over — and a client whose handshake completed may already have sent its request, which
// is then lost. Accepting what is queued just before closing narrows that window but leaves the
// handshakes still in flight (and, with SO_REUSEPORT, the new ones the kernel keeps steering to
// this listener). So a draining worker first makes its listener ignore new connection attempts
// (a socket filter that drops pure SYNs: the client retries its SYN a second later and then finds
// the port closed, a refusal it can act on), lets the handshakes in flight complete, accepts
// them, and only then closes.
#pragma once

namespace smlapi::http {

// Attaches the filter to a listening TCP socket; false if the kernel refused it (the caller then
// closes as before: only the in-flight window stays open).
bool ignore_new_connection_attempts(int listening_socket) noexcept;

}  // namespace smlapi::http
