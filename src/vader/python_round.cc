#include "vader/python_round.h"

#include <cmath>

namespace smlapi::vader {
namespace {

double power_of_ten(int digits) {
  double scale = 1.0;
  for (int i = 0; i < digits; ++i) scale *= 10.0;
  return scale;
}

// Round half to even without a libm call (std::nearbyint is one on baseline x86-64): adding
// 2^52 (with the value's sign) leaves no fraction bits to keep, so the addition rounds to an
// integer under the default rounding mode and the subtraction is exact. Doubles of 2^52 and
// more are integers already.
double round_half_even(double value) {
  if (!(std::fabs(value) < 0x1p52)) return value;
  const double shift = std::copysign(0x1p52, value);
  const double shifted = value + shift;
  return shifted - shift;
}

// The exact decision for a product within its rounding error of a halfway point.
double round_near_half(double x, double scale, double product, double nearest) {
  // x * scale == product + error exactly (scale is exact, fma gives the rounding error).
  const double error = std::fma(x, scale, -product);
  // offset = product - nearest is exact (|offset| <= 0.5, same binade as product's ulp), so
  // comparing offset + error with +-0.5 can be done without rounding: offset -+ 0.5 is exact.
  const double offset = product - nearest;
  const double above_half =
      offset - 0.5;  // exact value minus (nearest + 0.5) == above_half + error
  const double below_half =
      offset + 0.5;  // exact value minus (nearest - 0.5) == below_half + error
  if (above_half > -error) {
    nearest += 1.0;
  } else if (above_half == -error) {
    // Exact tie between nearest and nearest + 1: pick the even one.
    if (std::fmod(nearest, 2.0) != 0.0) nearest += 1.0;
  } else if (below_half < -error) {
    nearest -= 1.0;
  } else if (below_half == -error) {
    if (std::fmod(nearest, 2.0) != 0.0) nearest -= 1.0;
  }
  return nearest;
}

}  // namespace

double python_round(double x, int digits) {
  if (!std::isfinite(x)) return x;
  const double scale = power_of_ten(digits);
  const double product = x * scale;
  double nearest = round_half_even(product);
  // The product's rounding error is at most half an ulp of it (or the smallest subnormal): a
  // product further than that from a halfway point rounds the same as the exact x * 10^digits,
  // which is nearly always the case; only the others need the exact decision.
  const double offset = product - nearest;
  const double error_bound = std::fabs(product) * 0x1p-52 + 0x1p-1074;
  if (!(offset - 0.5 < -error_bound && offset + 0.5 > error_bound)) {
    nearest = round_near_half(x, scale, product, nearest);
  }
  // nearest and scale are exact, so the division is the double nearest to the decimal result.
  const double rounded = nearest / scale;
  // Python keeps the sign of zero: round(-0.0001, 3) == -0.0.
  return rounded == 0.0 ? std::copysign(0.0, x) : rounded;
}

}  // namespace smlapi::vader
