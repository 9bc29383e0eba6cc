// Fixed keys for the fuzzers, so that findings reproduce: the published keys of RFC 7515
// Appendix A.3 (ES256) and RFC 8037 Appendix A (Ed25519), and a constant HS256 secret.
#pragma once

#include <string_view>

namespace smlapi::auth::fuzz {

inline constexpr std::string_view kEs256Pem =
    "-----BEGIN PRIVATE KEY-----\n"
    "MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgjpsQnnGQmL+YBIff\n"
    "H1136cspYG6+0iY7X1fCE9+E9LKhRANCAAR/zc4ncPbEXUGDy+5v20t7WAczNXvp\n"
    "7xO6z248e9FURcfxRM0bvZt+hyzf7bnuufSzaV1uqQskrYpGIyiFiOWt\n"
    "-----END PRIVATE KEY-----\n";

inline constexpr std::string_view kEd25519Pem =
    "-----BEGIN PRIVATE KEY-----\n"
    "MC4CAQAwBQYDK2VwBCIEIJ1hsZ3v/VpguoRK9JLsLMREScVpezJpGXA7rAMcrn9g\n"
    "-----END PRIVATE KEY-----\n";

inline constexpr std::string_view kHs256Secret = "fuzzing-secret-fuzzing-secret-32bytes!";

inline constexpr std::string_view kIssuer = "https://issuer.fuzz";
inline constexpr std::string_view kAudience = "fuzz-api";
inline constexpr long long kNow = 1'800'000'000;

}  // namespace smlapi::auth::fuzz
