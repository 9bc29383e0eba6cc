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

TEST(EcdsaSignature, AcceptsScalarsInRange) {
  EXPECT_TRUE(es256_jose_to_der(kOne + kOne));
  EXPECT_TRUE(es256_jose_to_der(kOrderMinusOne + kOrderMinusOne));
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
