// Approximate-adder specs ("lerp:H=8,G=8"): parse, print back, and build the adder's tables
// for an 8-bit format.
#include <cstdlib>

#include "fuzz_util.hpp"
#include "lnslab/lns/adders.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace lnslab::lns;
  static const Format f = Format::parse("lns8:eta0=0.016");
  try {
    const AdderSpec spec = parse_adder(lnslab::fuzz::text(data, size));
    if (to_string(parse_adder(to_string(spec))) != to_string(spec)) std::abort();
    const ApproxAdder adder(f, spec);
    (void)adder.add(3, 5);
  } catch (const FormatError&) {
  }
  return 0;
}
