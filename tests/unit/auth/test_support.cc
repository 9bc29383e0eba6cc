#include "test_support.h"

#include <gtest/gtest.h>

#include <map>
#include <mutex>
#include <stdexcept>

#include "auth/jws.h"
#include "auth/random.h"
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
         ",\"jti\":\"j-1\",\"scope\":\"predict\",\"client_id\":\"cli\"}";
}

std::string sign_raw(const SigningKey& key, std::string_view header, std::string_view payload) {
  return make_compact_jws(key, header, payload);
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

}  // namespace smlapi::auth::testing
