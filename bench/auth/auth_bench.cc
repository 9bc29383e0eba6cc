// Cost of verifying and issuing access tokens, per algorithm, with a reused TokenVerifier (one
// per thread, as in the server). Also the HMAC context reuse that makes HS256 cheap, and the
// cost of a rejected token (bad signature), which an attacker can make us pay.
#include <benchmark/benchmark.h>

#include <openssl/evp.h>
#include <memory>
#include <stdexcept>

#include "auth/base64url.h"
#include "auth/jws.h"
#include "auth/token_issuer.h"
#include "auth/token_verifier.h"

namespace {

using namespace smlapi::auth;

constexpr std::int64_t kNow = 1'800'000'000;

struct Keys {
  Keys() {
    for (const auto algorithm :
         {Algorithm::HS256, Algorithm::RS256, Algorithm::ES256, Algorithm::EdDSA}) {
      const SigningKey key =
          SigningKey::generate(algorithm, std::string(to_string(algorithm)), 2048).value();
      signing.push_back(key);
      verification.push_back(key.verification_key());
    }
    key_set = std::make_shared<const KeySet>(KeySet::create(verification, std::nullopt).value());
  }
  const SigningKey& key(Algorithm algorithm) const {
    return signing.at(static_cast<std::size_t>(algorithm));
  }
  std::vector<SigningKey> signing;
  std::vector<VerificationKey> verification;
  std::shared_ptr<const KeySet> key_set;
};

const Keys& keys() {
  static const Keys instance;
  return instance;
}

TokenIssuer issuer_for(Algorithm algorithm) {
  return TokenIssuer::create(IssuerConfig{"https://issuer.bench", "bench-api"},
                             keys().key(algorithm))
      .value();
}

TokenVerifier make_verifier() {
  return TokenVerifier::create(keys().key_set, VerifierConfig{"https://issuer.bench", "bench-api"})
      .value();
}

void BM_Verify(benchmark::State& state, Algorithm algorithm) {
  const std::string token =
      issuer_for(algorithm).issue("alice", "web", {"predict"}, kNow).access_token;
  auto verifier = make_verifier();
  for (auto _ : state) {
    auto result = verifier.verify(token, kNow + 1);
    if (!result) state.SkipWithError("token rejected");
    benchmark::DoNotOptimize(result);
  }
}
BENCHMARK_CAPTURE(BM_Verify, HS256, Algorithm::HS256);
BENCHMARK_CAPTURE(BM_Verify, ES256, Algorithm::ES256);
BENCHMARK_CAPTURE(BM_Verify, EdDSA, Algorithm::EdDSA);
BENCHMARK_CAPTURE(BM_Verify, RS256, Algorithm::RS256);

void BM_VerifyBadSignature(benchmark::State& state, Algorithm algorithm) {
  std::string token = issuer_for(algorithm).issue("alice", "web", {"predict"}, kNow).access_token;
  const std::size_t position = token.rfind('.') + 3;
  token[position] = token[position] == 'A' ? 'B' : 'A';
  auto verifier = make_verifier();
  for (auto _ : state) {
    auto result = verifier.verify(token, kNow + 1);
    benchmark::DoNotOptimize(result);
  }
}
BENCHMARK_CAPTURE(BM_VerifyBadSignature, HS256, Algorithm::HS256);
BENCHMARK_CAPTURE(BM_VerifyBadSignature, ES256, Algorithm::ES256);

void BM_Issue(benchmark::State& state, Algorithm algorithm) {
  const auto issuer = issuer_for(algorithm);
  std::int64_t now = kNow;
  for (auto _ : state) {
    auto issued = issuer.issue("alice", "web", {"predict"}, ++now);
    benchmark::DoNotOptimize(issued);
  }
}
BENCHMARK_CAPTURE(BM_Issue, HS256, Algorithm::HS256);
BENCHMARK_CAPTURE(BM_Issue, ES256, Algorithm::ES256);
BENCHMARK_CAPTURE(BM_Issue, EdDSA, Algorithm::EdDSA);

// The HMAC alone: a reused context (what SignatureVerifier does) against one-shot EVP_Q_mac.
void BM_HmacReusedContext(benchmark::State& state) {
  const auto& key = keys().verification.at(0);
  const std::string input(300, 'x');
  const std::string signature(32, '\0');
  SignatureVerifier verifier;
  for (auto _ : state) benchmark::DoNotOptimize(verifier.verify(key, input, signature));
}
BENCHMARK(BM_HmacReusedContext);

void BM_HmacOneShot(benchmark::State& state) {
  const std::string input(300, 'x');
  const std::string_view secret = keys().key(Algorithm::HS256).secret()->view();
  unsigned char mac[32];
  std::size_t length = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(EVP_Q_mac(nullptr, "HMAC", nullptr, "SHA256", nullptr, secret.data(),
                                       secret.size(),
                                       reinterpret_cast<const unsigned char*>(input.data()),
                                       input.size(), mac, sizeof mac, &length));
  }
}
BENCHMARK(BM_HmacOneShot);

void BM_Base64UrlDecode(benchmark::State& state) {
  const std::string encoded = base64url_encode(std::string(256, 'z'));
  for (auto _ : state) benchmark::DoNotOptimize(base64url_decode(encoded));
}
BENCHMARK(BM_Base64UrlDecode);

}  // namespace

BENCHMARK_MAIN();
