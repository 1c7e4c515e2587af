#pragma once
// Private: powers of a base that are exactly long doubles (tables.cpp, white-box tests).
#include <optional>

namespace lnslab::lns::detail {

/// b^(n/2) when that real is exactly a finite, nonzero long double, else nullopt. b > 0 is taken
/// as the exact real it holds. Lets the tables hold exact powers and midpoints (e.g. 4^(1/2) = 2,
/// 2.25^(3/2) = 3.375) where libm's exp and log would be an ulp off, so that an input equal to
/// a midpoint is an exact tie.
std::optional<long double> exact_half_power(long double b, long n);

}  // namespace lnslab::lns::detail
