#include "auth/ecdsa_signature.h"

#include <gtest/gtest.h>

#include <string>

namespace smlapi::auth {
namespace {

std::string from_hex(std::string_view hex) {
  std::string out;
  for (std::size_t i = 0; i + 1 < hex.size(); i += 2) {
    out.push_back(static_cast<char>(std::stoi(std::string(hex.substr(i, 2)), nullptr, 16)));
  }
  return out;
}

const std::string kOrder =
    from_hex("ffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551");
const std::string kOrderMinusOne =
    from_hex("ffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632550");
const std::string kOne = std::string(31, '\0') + '\x01';
const std::string kZero(32, '\0');

// floor(n/2): the largest s accepted (low-S), and one more.
const std::string kHalfOrder =
    from_hex("7fffffff800000007fffffffffffffffde737d56d38bcf4279dce5617e3192a8");
const std::string kHalfOrderPlusOne =
    from_hex("7fffffff800000007fffffffffffffffde737d56d38bcf4279dce5617e3192a9");

TEST(EcdsaSignature, AcceptsScalarsInRange) {
  EXPECT_TRUE(es256_jose_to_der(kOne + kOne));
  EXPECT_TRUE(es256_jose_to_der(kOrderMinusOne + kHalfOrder));
}

TEST(EcdsaSignature, RejectsHighS) {
  EXPECT_FALSE(es256_jose_to_der(kOne + kHalfOrderPlusOne));
  EXPECT_FALSE(es256_jose_to_der(kOne + kOrderMinusOne));
}

TEST(EcdsaSignature, DerToJoseNormalisesHighSToLowS) {
  // DER (r = 1, s = n-1): SEQUENCE { INTEGER 1, INTEGER 0x00 || n-1 }. n - (n-1) = 1.
  const std::string der = from_hex("3026020101022100") + kOrderMinusOne;
  EXPECT_EQ(es256_der_to_jose(der), kOne + kOne);
  // s = floor(n/2) is already low: kept as it is.
  EXPECT_EQ(es256_der_to_jose(from_hex("30250201010220") + kHalfOrder), kOne + kHalfOrder);
}

TEST(EcdsaSignature, RejectsZeroScalars) {
  EXPECT_FALSE(es256_jose_to_der(kZero + kZero));
  EXPECT_FALSE(es256_jose_to_der(kZero + kOne));
  EXPECT_FALSE(es256_jose_to_der(kOne + kZero));
}

TEST(EcdsaSignature, RejectsScalarsAtOrAboveTheGroupOrder) {
  EXPECT_FALSE(es256_jose_to_der(kOrder + kOne));
  EXPECT_FALSE(es256_jose_to_der(kOne + kOrder));
  EXPECT_FALSE(es256_jose_to_der(std::string(32, '\xff') + kOne));
}

TEST(EcdsaSignature, RejectsWrongLengths) {
  EXPECT_FALSE(es256_jose_to_der(kOne + kOne + "x"));
  EXPECT_FALSE(es256_jose_to_der(kOne));
  EXPECT_FALSE(es256_jose_to_der(""));
}

TEST(EcdsaSignature, RoundTripsThroughDer) {
  const std::string jose = kOrderMinusOne + kOne;
  const auto der = es256_jose_to_der(jose);
  ASSERT_TRUE(der);
  EXPECT_EQ(es256_der_to_jose(*der), jose);
  EXPECT_FALSE(es256_der_to_jose("not der"));
}

}  // namespace
}  // namespace smlapi::auth
