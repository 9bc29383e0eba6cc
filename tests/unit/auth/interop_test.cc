// Interoperability with an independent implementation, PyJWT (Debian python3-jwt):
//  (a) tokens we issue, for every algorithm, verify in PyJWT against our JWKS output;
//  (b) tokens PyJWT signs with our key files verify here.
// Skipped when /usr/bin/python3 or its jwt module is missing.
#include <gtest/gtest.h>

#include <array>
#include <cstdio>
#include <ctime>
#include <fstream>
#include <memory>
#include <sstream>

#include "auth/key_directory.h"
#include "auth/secure_file.h"
#include "result_matchers.h"
#include "test_support.h"

namespace smlapi::auth {
namespace {

using ::smlapi::result_testing::Succeeds;

namespace fs = std::filesystem;

constexpr const char* kPython = "/usr/bin/python3";
const fs::path kScripts = SMLAPI_AUTH_INTEROP_DIR;

struct CommandResult {
  int status = -1;
  std::string output;
};

// Arguments are paths and fixed words from this test only, quoted for the shell.
CommandResult run(const std::string& command) {
  CommandResult result;
  std::unique_ptr<FILE, int (*)(FILE*)> pipe(::popen((command + " 2>&1").c_str(), "r"), &::pclose);
  if (!pipe) return result;
  std::array<char, 4096> buffer{};
  while (std::fgets(buffer.data(), buffer.size(), pipe.get()) != nullptr)
    result.output += buffer.data();
  result.status = ::pclose(pipe.release());
  return result;
}

std::string quoted(const std::string& text) { return "'" + text + "'"; }

class PyJwtInterop : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!fs::exists(kPython)) GTEST_SKIP() << kPython << " is missing";
    if (run(std::string(kPython) + " -c 'import jwt, cryptography'").status != 0) {
      GTEST_SKIP() << "python3-jwt (PyJWT) is not installed";
    }
    for (const auto& [algorithm, kid] : kKeys) {
      const auto files = generate_key_files(algorithm, kid, dir_.path(), 2048);
      ASSERT_THAT(files, Succeeds());
    }
    auto keys = load_key_directory(dir_.path(), {.active_kid = "es"});
    ASSERT_THAT(keys, Succeeds());
    keys_ = std::make_shared<const KeySet>(*std::move(keys));
  }

  static constexpr std::array<std::pair<Algorithm, const char*>, 4> kKeys{{
      {Algorithm::HS256, "hs"},
      {Algorithm::RS256, "rs"},
      {Algorithm::ES256, "es"},
      {Algorithm::EdDSA, "ed"},
  }};

  testing::TempDir dir_;
  std::shared_ptr<const KeySet> keys_;
};

TEST_F(PyJwtInterop, PyJwtVerifiesOurTokensAgainstOurJwks) {
  const auto now = static_cast<std::int64_t>(std::time(nullptr));  // PyJWT checks exp itself
  const fs::path jwks = dir_.path() / "jwks.json";
  const fs::path tokens = dir_.path() / "tokens.txt";
  ASSERT_TRUE(write_new_file(jwks, keys_->jwks_json(), 0644));
  std::string lines;
  for (const auto& [algorithm, kid] : kKeys) {
    const auto key = load_key_directory(dir_.path(), {.active_kid = std::string(kid)});
    ASSERT_TRUE(key);
    auto issuer = TokenIssuer::create(
        IssuerConfig{std::string(testing::kIssuer), std::string(testing::kAudience)},
        *key->signing_key());
    ASSERT_TRUE(issuer);
    lines += std::string(to_string(algorithm)) + " " +
             issuer->issue(std::string("user-") + kid, "cli", {"predict"}, now).access_token + "\n";
  }
  ASSERT_TRUE(write_new_file(tokens, lines, 0600));

  const auto result =
      run(std::string(kPython) + " " + quoted(kScripts / "verify_ours.py") + " " + quoted(jwks) +
          " " + quoted(dir_.path() / "hs.hs256") + " " + quoted(std::string(testing::kIssuer)) +
          " " + quoted(std::string(testing::kAudience)) + " " + quoted(tokens));
  EXPECT_EQ(result.status, 0) << result.output;
  for (const std::string expected :
       {"ok HS256 user-hs", "ok RS256 user-rs", "ok ES256 user-es", "ok EdDSA user-ed"}) {
    EXPECT_NE(result.output.find(expected), std::string::npos) << result.output;
  }
}

TEST_F(PyJwtInterop, WeVerifyTokensPyJwtSignsWithOurKeys) {
  const std::int64_t now = testing::kNow;
  std::string specs;
  for (const auto& [algorithm, kid] : kKeys) {
    specs += " " + std::string(kid) + ":" + std::string(to_string(algorithm));
  }
  const auto result =
      run(std::string(kPython) + " " + quoted(kScripts / "sign_with_our_keys.py") + " " +
          quoted(dir_.path()) + " " + quoted(std::string(testing::kIssuer)) + " " +
          quoted(std::string(testing::kAudience)) + " " + std::to_string(now) + specs);
  ASSERT_EQ(result.status, 0) << result.output;

  auto verifier = testing::make_verifier(keys_);
  std::istringstream lines(result.output);
  std::string kid, token;
  int verified_count = 0;
  while (lines >> kid >> token) {
    const auto verified = verifier.verify(token, now + 5);
    ASSERT_THAT(verified, Succeeds()) << kid << "\n" << token;
    EXPECT_EQ(verified->subject, "pyjwt-" + kid);
    EXPECT_EQ(verified->kid, kid);
    EXPECT_TRUE(verified->has_scope("predict"));
    ++verified_count;
  }
  EXPECT_EQ(verified_count, 4) << result.output;
}

}  // namespace
}  // namespace smlapi::auth
