#include "vader/python_round.h"

#include <cmath>

namespace smlapi::vader {
namespace {

double power_of_ten(int digits) {
  double scale = 1.0;
  for (int i = 0; i < digits; ++i) scale *= 10.0;
  return scale;
}

}  // namespace

double python_round(double x, int digits) {
  if (!std::isfinite(x)) return x;
  const double scale = power_of_ten(digits);
  // x * scale == product + error exactly (scale is exact, fma gives the rounding error).
  const double product = x * scale;
  const double error = std::fma(x, scale, -product);
  double nearest = std::nearbyint(product);  // ties to even in the default rounding mode
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
  // nearest and scale are exact, so the division is the double nearest to the decimal result.
  const double rounded = nearest / scale;
  // Python keeps the sign of zero: round(-0.0001, 3) == -0.0.
  return rounded == 0.0 ? std::copysign(0.0, x) : rounded;
}

}  // namespace smlapi::vader
