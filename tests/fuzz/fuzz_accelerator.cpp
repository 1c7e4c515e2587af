// Accelerator configs (TOML); relative energy-table paths resolve against the shipped
// configs/accelerators/, so the seeds reach validation with the real table.
#include "fuzz_util.hpp"
#include "lnslab/sim/config.hpp"
#include "lnslab/sim/errors.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const std::filesystem::path base = lnslab::fuzz::config_dir() / "accelerators";
  try {
    (void)lnslab::sim::parse_config(lnslab::fuzz::text(data, size), "fuzz.toml", base);
  } catch (const lnslab::sim::ConfigError&) {
  }
  return 0;
}
