// Shared helpers for the auth tests: one key of each algorithm (generated once per process),
// claim builders, and a way to sign arbitrary header/payload JSON (to forge attack tokens).
#pragma once

#include <sys/types.h>
#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <string_view>

#include "auth/key_set.h"
#include "auth/keys.h"
#include "auth/token_issuer.h"
#include "auth/token_verifier.h"

namespace smlapi::auth::testing {

inline constexpr std::int64_t kNow = 1'800'000'000;  // a fixed "current time"
inline constexpr std::string_view kIssuer = "https://auth.example.test";
inline constexpr std::string_view kAudience = "secure-ml-api";

// Generated once per process (RSA generation is slow). kid = "hs", "rs", "es", "ed".
const SigningKey& test_key(Algorithm algorithm);

// A KeySet with the verification keys of all four test keys, and `signing` as active key.
std::shared_ptr<const KeySet> all_test_keys(Algorithm signing = Algorithm::ES256);

TokenVerifier make_verifier(std::shared_ptr<const KeySet> keys);
TokenIssuer make_issuer(Algorithm algorithm);

// {"alg":...,"typ":"at+jwt","kid":...}
std::string header_json(std::string_view alg, std::string_view kid);
// Valid claims at kNow: iss, sub, aud, iat, nbf, exp (+900), jti, scope, client_id.
std::string claims_json(std::int64_t now = kNow);

// header.payload.signature with the JSON exactly as given, signed with `key`.
std::string sign_raw(const SigningKey& key, std::string_view header, std::string_view payload);

// The other spelling of an ES256 JOSE signature r||s: r||(n-s), n the P-256 group order, computed
// with OpenSSL's BIGNUM. Both verify mathematically; the verifier must accept only the low-S one.
std::string es256_negate_s(std::string_view jose);

// A compact token with its ES256 signature replaced by es256_negate_s() of it.
std::string with_negated_s(std::string_view token);

// A fresh empty directory under the test temp dir, removed by the destructor.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

// Lays `files` (name -> contents) out in `volume` as the kubelet's atomic writer projects a
// Secret volume with an fsGroup: the volume directory (a tmpfs: mode 3777) root:fs_group, a
// timestamped directory `..2026_12_02_...` (2755, root:fs_group) holding the files (root:fs_group,
// `mode`: the kubelet's defaultMode | 0440), `..data` -> that directory, and `<name>` ->
// `..data/<name>`. Called again on the same volume it writes a new timestamped directory,
// swaps `..data` with one rename (as on a Secret update) and removes the old directory.
// Returns the timestamped directory. Tests run as root, so the chowns work.
std::filesystem::path project_secret(const std::filesystem::path& volume,
                                     const std::map<std::string, std::string>& files,
                                     mode_t mode = 0440, gid_t fs_group = 65532);

}  // namespace smlapi::auth::testing
