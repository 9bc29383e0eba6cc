#include "test_support.h"

#include <sys/stat.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <map>
#include <mutex>
#include <stdexcept>

#include <openssl/bn.h>
#include <openssl/ec.h>
#include <openssl/obj_mac.h>

#include "auth/base64url.h"
#include "auth/jws.h"
#include "auth/openssl_handles.h"
#include "auth/random.h"
#include "auth/secure_file.h"
#include "result_matchers.h"

namespace smlapi::auth::testing {

using ::smlapi::result_testing::ValueOf;
namespace {

std::string_view kid_for(Algorithm algorithm) {
  switch (algorithm) {
    case Algorithm::HS256:
      return "hs";
    case Algorithm::RS256:
      return "rs";
    case Algorithm::ES256:
      return "es";
    case Algorithm::EdDSA:
      return "ed";
  }
  return "unknown";
}

}  // namespace

const SigningKey& test_key(Algorithm algorithm) {
  static std::mutex mutex;
  static std::map<Algorithm, SigningKey> keys;
  const std::lock_guard lock(mutex);
  auto found = keys.find(algorithm);
  if (found == keys.end()) {
    found =
        keys.emplace(algorithm, ValueOf(SigningKey::generate(algorithm, kid_for(algorithm), 2048)))
            .first;
  }
  return found->second;
}

std::shared_ptr<const KeySet> all_test_keys(Algorithm signing) {
  std::vector<VerificationKey> keys;
  for (const auto algorithm :
       {Algorithm::HS256, Algorithm::RS256, Algorithm::ES256, Algorithm::EdDSA}) {
    if (algorithm != signing) keys.push_back(test_key(algorithm).verification_key());
  }
  return std::make_shared<const KeySet>(
      ValueOf(KeySet::create(std::move(keys), test_key(signing))));
}

TokenVerifier make_verifier(std::shared_ptr<const KeySet> keys) {
  return ValueOf(TokenVerifier::create(
      std::move(keys), VerifierConfig{std::string(kIssuer), std::string(kAudience)}));
}

TokenIssuer make_issuer(Algorithm algorithm) {
  return ValueOf(TokenIssuer::create(IssuerConfig{std::string(kIssuer), std::string(kAudience)},
                                     test_key(algorithm)));
}

std::string header_json(std::string_view alg, std::string_view kid) {
  return "{\"alg\":\"" + std::string(alg) + "\",\"typ\":\"at+jwt\",\"kid\":\"" + std::string(kid) +
         "\"}";
}

std::string claims_json(std::int64_t now) {
  return "{\"iss\":\"" + std::string(kIssuer) + "\",\"sub\":\"alice\",\"aud\":\"" +
         std::string(kAudience) + "\",\"iat\":" + std::to_string(now) +
         ",\"nbf\":" + std::to_string(now) + ",\"exp\":" + std::to_string(now + 900) +
         ",\"jti\":\"j-1\",\"scope\":\"predict\",\"client_id\":\"cli\",\"gty\":\"password\"}";
}

std::string sign_raw(const SigningKey& key, std::string_view header, std::string_view payload) {
  return make_compact_jws(key, header, payload);
}

std::string es256_negate_s(std::string_view jose) {
  if (jose.size() != 64) throw std::invalid_argument("not a JOSE ES256 signature");
  std::unique_ptr<EC_GROUP, detail::OpenSslDeleter<&EC_GROUP_free>> group(
      EC_GROUP_new_by_curve_name(NID_X9_62_prime256v1));
  const auto* bytes = reinterpret_cast<const unsigned char*>(jose.data());
  detail::BignumPtr s(BN_bin2bn(bytes + 32, 32, nullptr));
  detail::BignumPtr negated(BN_new());
  std::string out(jose.substr(0, 32));
  out.resize(64);
  if (!group || !s || !negated ||
      BN_sub(negated.get(), EC_GROUP_get0_order(group.get()), s.get()) != 1 ||
      BN_bn2binpad(negated.get(), reinterpret_cast<unsigned char*>(out.data()) + 32, 32) != 32) {
    throw std::runtime_error("cannot compute n - s");
  }
  return out;
}

std::string with_negated_s(std::string_view token) {
  const std::size_t dot = token.rfind('.');
  const auto signature = base64url_decode(token.substr(dot + 1));
  if (!signature) throw std::invalid_argument("signature is not base64url");
  return std::string(token.substr(0, dot + 1)) + base64url_encode(es256_negate_s(*signature));
}

TempDir::TempDir() {
  const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
  const std::string name = info != nullptr ? info->name() : "test";
  path_ = std::filesystem::temp_directory_path() / ("smlapi-auth-" + name + "-" + random_token(6));
  std::filesystem::create_directories(path_);
}

TempDir::~TempDir() {
  std::error_code ignored;
  std::filesystem::remove_all(path_, ignored);
}

namespace {

void must(bool ok, const std::string& what) {
  if (!ok) throw std::runtime_error("project_secret: " + what);
}

void own(const std::filesystem::path& path, gid_t group, mode_t mode) {
  must(::lchown(path.c_str(), 0, group) == 0, "chown " + path.string());
  must(::chmod(path.c_str(), mode) == 0, "chmod " + path.string());
}

}  // namespace

std::filesystem::path project_secret(const std::filesystem::path& volume,
                                     const std::map<std::string, std::string>& files, mode_t mode,
                                     gid_t fs_group) {
  namespace fs = std::filesystem;
  static int version = 0;
  fs::create_directories(volume);
  own(volume, fs_group, 03777);
  const fs::path data = volume / "..data";
  std::error_code previous_missing;
  const fs::path previous = fs::read_symlink(data, previous_missing);
  const std::string stamp = "..2026_12_02_10_00_00." + std::to_string(++version);
  fs::create_directory(volume / stamp);
  own(volume / stamp, fs_group, 02755);
  for (const auto& [name, contents] : files) {
    must(write_new_file(volume / stamp / name, contents, mode).has_value(), "write " + name);
    own(volume / stamp / name, fs_group, mode);
  }
  fs::create_symlink(stamp, volume / "..data_tmp");
  fs::rename(volume / "..data_tmp", data);  // the atomic swap
  for (const auto& entry : fs::directory_iterator(volume)) {
    const std::string name = entry.path().filename().string();
    if (name.front() != '.' && !files.contains(name)) fs::remove(entry.path());
  }
  for (const auto& [name, contents] : files) {
    if (!fs::is_symlink(volume / name))
      fs::create_symlink(fs::path("..data") / name, volume / name);
  }
  if (!previous_missing) fs::remove_all(volume / previous);
  return volume / stamp;
}

}  // namespace smlapi::auth::testing
