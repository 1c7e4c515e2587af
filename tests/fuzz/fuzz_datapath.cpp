// Accumulation datapath specs: parse, and the canonical text parses back to the same datapath.
// parse_datapath documents std::invalid_argument (sim::load_config names the key around it).
#include <cstdlib>
#include <stdexcept>

#include "fuzz_util.hpp"
#include "lnslab/lns/datapath.hpp"
#include "lnslab/lns/format.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace lnslab::lns;
  try {
    const Datapath d = parse_datapath(lnslab::fuzz::text(data, size));
    if (to_string(parse_datapath(to_string(d))) != to_string(d)) std::abort();
  } catch (const std::invalid_argument&) {
  }
  return 0;
}
