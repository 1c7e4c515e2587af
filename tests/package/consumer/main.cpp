// The README's find_package example: a runtime format and a compile-time scalar.
#include <iostream>
#include <lnslab/lns/lns.hpp>

int main() {
  namespace lns = lnslab::lns;
  const lns::Format f = lns::Format::parse("lns8:eta0=0.016");
  const lns::code_t x = f.encode(0.75);
  const lns::code_t y = f.encode(1.5);
  std::cout << f << ": 0.75 + 1.5 = " << lns::view(f, f.add(x, y)) << "\n";

  using lns8 = lns::Scalar<lns::eta0_format(8, 0.016)>;
  const lns8 a = 0.75, b = 1.5;
  std::cout << "scalar: " << (a + b) << "\n";
  return (a + b).code() == f.add(x, y) ? 0 : 1;
}
