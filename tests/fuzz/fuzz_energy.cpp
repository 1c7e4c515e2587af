// Energy tables (TOML).
#include "fuzz_util.hpp"
#include "lnslab/sim/energy.hpp"
#include "lnslab/sim/errors.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  try {
    (void)lnslab::sim::EnergyTable::parse(lnslab::fuzz::text(data, size), "fuzz.toml");
  } catch (const lnslab::sim::ConfigError&) {
  }
  return 0;
}
