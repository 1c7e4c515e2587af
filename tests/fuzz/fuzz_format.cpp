// Format specs ("lns8:eta0=0.016"): parse, and a parsed format prints back to a spec that parses
// to the same format.
#include <cstdlib>

#include "fuzz_util.hpp"
#include "lnslab/lns/format.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using lnslab::lns::Format;
  try {
    const Format f = Format::parse(lnslab::fuzz::text(data, size));
    if (Format::parse(f.spec()).spec() != f.spec()) std::abort();
  } catch (const lnslab::lns::FormatError&) {
  }
  return 0;
}
