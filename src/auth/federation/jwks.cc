#include "auth/federation/jwks.h"

#include <algorithm>
#include <set>
#include <string>

#include <openssl/core_names.h>
#include <openssl/param_build.h>

#include "auth/base64url.h"
#include "auth/json_object.h"
#include "auth/openssl_handles.h"

namespace smlapi::auth::federation {
namespace {

using simdjson::dom::object;

constexpr std::size_t kP256CoordinateBytes = 32;
constexpr std::size_t kMaxExponentBytes = 8;

struct ParamBldFree {
  void operator()(OSSL_PARAM_BLD* builder) const { OSSL_PARAM_BLD_free(builder); }
};
struct ParamFree {
  void operator()(OSSL_PARAM* params) const { OSSL_PARAM_free(params); }
};
struct PkeyCtxFree {
  void operator()(EVP_PKEY_CTX* context) const { EVP_PKEY_CTX_free(context); }
};

std::string_view member_string(object key, const char* name) {
  std::string_view value;
  if (key[name].get_string().get(value) != simdjson::SUCCESS) return {};
  return value;
}

bool has_member(object key, const char* name) { return key[name].error() == simdjson::SUCCESS; }

// The key from OpenSSL parameters, or null: EVP_PKEY_fromdata checks the parameters' form.
std::shared_ptr<EVP_PKEY> key_from_params(const char* type, OSSL_PARAM_BLD* builder) {
  const std::unique_ptr<OSSL_PARAM, ParamFree> params(OSSL_PARAM_BLD_to_param(builder));
  const std::unique_ptr<EVP_PKEY_CTX, PkeyCtxFree> context(
      EVP_PKEY_CTX_new_from_name(nullptr, type, nullptr));
  EVP_PKEY* key = nullptr;
  if (!params || !context || EVP_PKEY_fromdata_init(context.get()) != 1 ||
      EVP_PKEY_fromdata(context.get(), &key, EVP_PKEY_PUBLIC_KEY, params.get()) != 1) {
    detail::take_openssl_error();
    return nullptr;
  }
  return {key, &EVP_PKEY_free};
}

std::shared_ptr<EVP_PKEY> rsa_key(object jwk) {
  const auto n = base64url_decode(member_string(jwk, "n"));
  const auto e = base64url_decode(member_string(jwk, "e"));
  if (!n || !e || n->empty() || e->empty() || e->size() > kMaxExponentBytes ||
      n->size() * 8 > static_cast<std::size_t>(kMaxRsaBits) + 8) {
    return nullptr;
  }
  const auto* n_bytes = reinterpret_cast<const unsigned char*>(n->data());
  const auto* e_bytes = reinterpret_cast<const unsigned char*>(e->data());
  const detail::BignumPtr modulus(BN_bin2bn(n_bytes, static_cast<int>(n->size()), nullptr));
  const detail::BignumPtr exponent(BN_bin2bn(e_bytes, static_cast<int>(e->size()), nullptr));
  // An even or tiny exponent is no RSA key anyone should sign with.
  if (!modulus || !exponent || BN_num_bits(modulus.get()) > kMaxRsaBits ||
      !BN_is_odd(exponent.get()) || BN_is_one(exponent.get())) {
    return nullptr;
  }
  const std::unique_ptr<OSSL_PARAM_BLD, ParamBldFree> builder(OSSL_PARAM_BLD_new());
  if (!builder ||
      OSSL_PARAM_BLD_push_BN(builder.get(), OSSL_PKEY_PARAM_RSA_N, modulus.get()) != 1 ||
      OSSL_PARAM_BLD_push_BN(builder.get(), OSSL_PKEY_PARAM_RSA_E, exponent.get()) != 1) {
    return nullptr;
  }
  return key_from_params("RSA", builder.get());
}

std::shared_ptr<EVP_PKEY> p256_key(object jwk) {
  if (member_string(jwk, "crv") != "P-256") return nullptr;
  const auto x = base64url_decode(member_string(jwk, "x"));
  const auto y = base64url_decode(member_string(jwk, "y"));
  if (!x || !y || x->size() != kP256CoordinateBytes || y->size() != kP256CoordinateBytes) {
    return nullptr;
  }
  std::string point = "\x04";  // uncompressed SEC1 point
  point.append(*x).append(*y);
  const std::unique_ptr<OSSL_PARAM_BLD, ParamBldFree> builder(OSSL_PARAM_BLD_new());
  if (!builder ||
      OSSL_PARAM_BLD_push_utf8_string(builder.get(), OSSL_PKEY_PARAM_GROUP_NAME, "prime256v1", 0) !=
          1 ||
      OSSL_PARAM_BLD_push_octet_string(builder.get(), OSSL_PKEY_PARAM_PUB_KEY, point.data(),
                                       point.size()) != 1) {
    return nullptr;
  }
  auto key = key_from_params("EC", builder.get());
  if (!key) return nullptr;
  // A point off the curve would make every signature check meaningless (invalid-curve attacks).
  // OpenSSL 3 already refuses such a point when importing it; this check does not depend on that.
  const std::unique_ptr<EVP_PKEY_CTX, PkeyCtxFree> check(
      EVP_PKEY_CTX_new_from_pkey(nullptr, key.get(), nullptr));
  if (!check || EVP_PKEY_public_check(check.get()) != 1) {
    detail::take_openssl_error();
    return nullptr;
  }
  return key;
}

// The usable key of one JWK, or nullopt when it is to be skipped.
std::optional<VerificationKey> read_key(object jwk, std::span<const Algorithm> algorithms) {
  if (!has_unique_member_names(jwk)) return std::nullopt;
  if (has_member(jwk, "use") && member_string(jwk, "use") != "sig") return std::nullopt;
  const std::string_view kty = member_string(jwk, "kty");
  std::optional<Algorithm> algorithm;
  std::shared_ptr<EVP_PKEY> key;
  if (kty == "RSA") {
    algorithm = Algorithm::RS256;
  } else if (kty == "EC") {
    algorithm = Algorithm::ES256;
  } else {
    return std::nullopt;
  }
  // An alg, when given, must be the one the key type allows here (RFC 7517 section 4.4): an
  // RSA key marked PS256 or RS384 is not an RS256 key.
  if (has_member(jwk, "alg") && parse_algorithm(member_string(jwk, "alg")) != algorithm) {
    return std::nullopt;
  }
  if (std::find(algorithms.begin(), algorithms.end(), *algorithm) == algorithms.end()) {
    return std::nullopt;
  }
  key = *algorithm == Algorithm::RS256 ? rsa_key(jwk) : p256_key(jwk);
  if (!key) return std::nullopt;
  auto verification = VerificationKey::from_external_public_key(member_string(jwk, "kid"), key);
  if (!verification) return std::nullopt;  // no or bad kid, RSA below 2048 bits
  return std::move(verification).value();
}

}  // namespace

boost::system::result<ParsedJwks, Error> parse_jwks(simdjson::dom::parser& parser,
                                                    std::string_view json,
                                                    std::span<const Algorithm> algorithms) {
  if (json.size() > kMaxJwksBytes) return Error{"JWKS is too large"};
  auto document = parse_unique_object(parser, json);
  if (!document) return Error{"JWKS is not a JSON object without duplicate members"};
  simdjson::dom::array entries;
  if ((*document)["keys"].get_array().get(entries) != simdjson::SUCCESS) {
    return Error{"JWKS has no keys array"};
  }
  if (entries.size() > kMaxJwksKeys) return Error{"JWKS has too many keys"};

  ParsedJwks out;
  std::set<std::string, std::less<>> kids;
  for (const simdjson::dom::element entry : entries) {
    object jwk;
    std::optional<VerificationKey> key;
    if (entry.get_object().get(jwk) == simdjson::SUCCESS) key = read_key(jwk, algorithms);
    // Two keys under one kid would make the choice of key the order of the document's: refuse
    // the second rather than guess.
    if (!key || !kids.insert(key->kid()).second) {
      ++out.skipped;
      continue;
    }
    out.keys.push_back(std::move(*key));
  }
  if (out.keys.empty()) return Error{"JWKS has no usable signing key"};
  return out;
}

}  // namespace smlapi::auth::federation
