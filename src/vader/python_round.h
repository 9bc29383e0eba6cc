#pragma once

namespace smlapi::vader {

// Python's round(x, digits) for floats: the exact binary value of x is rounded to `digits`
// decimals, ties (only possible when x is exactly a tie) to even, and the decimal result is
// returned as the nearest double. Valid for |x| * 10^digits < 2^52; VADER's scores are in
// [-1, 1] with 3 or 4 digits.
double python_round(double x, int digits);

}  // namespace smlapi::vader
