#include "lnslab/lns/rng.hpp"

#include <cmath>

namespace lnslab::lns {

double Rng::normal() {
  // Box-Muller with u1 in (0, 1] so that log(u1) is finite.
  const double u1 = 1.0 - uniform();
  const double u2 = uniform();
  return std::sqrt(-2.0 * std::log(u1)) * std::cos(6.283185307179586476925 * u2);
}

}  // namespace lnslab::lns
