// Topology CSV files (SCALE-Sim): the first byte picks the batch (1..256), the rest is the file.
#include "fuzz_util.hpp"
#include "lnslab/sim/errors.hpp"
#include "lnslab/sim/workload.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const int batch = 1 + data[0];
  try {
    const auto w =
        lnslab::sim::parse_topology(lnslab::fuzz::text(data + 1, size - 1), "fuzz.csv", batch);
    (void)lnslab::sim::training_step(w);
  } catch (const lnslab::sim::ConfigError&) {
  }
  return 0;
}
