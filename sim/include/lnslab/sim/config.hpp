#pragma once
// Accelerator configuration (docs/design.md §5), read from TOML (configs/accelerators/*.toml):
//
//   name = "lns8-32x32"
//   [array]    rows = 32, cols = 32, dataflow = "os" | "ws" | "is", clock_mhz = 1000,
//              timing = "default" | "scalesim"                     (optional, default "default")
//   [sram]     input_kib = 64, weight_kib = 64, output_kib = 64
//   [dram]     bandwidth_bytes_per_cycle = 16, latency_cycles = 100
//   [pe]       type = "lns" | "fp32" | "fp16" | "bf16" | "int8"
//              format = "lns8:gamma=8"            (lns only)
//              accumulation = "bins:F=8,W=24"     (lns only; linear | bins | bins_mitchell |
//              logadd)
//              weight_format = "lns8:eta0=0.016"  (optional; float PEs: weights stored and moved
//              as LNS codes of this format, decoded to float at the array edge; lns PEs: master
//              weights kept in this format, re-encoded into `format` once per step by the update
//              unit)
//   [words]    input_bits, weight_bits, psum_bits, output_bits   (optional overrides)
//   [update]   lanes = 32 (default cols); the weight-update rule as plain counts per weight:
//              rule = "lns-madam" (a label), fp_mults, fp_adds, int_adds, state_words,
//              exponent_update = true|false (needs weights stored as LNS codes). The simulator
//              knows no optimizer by name: nn's optimizer registry supplies the counts.
//   [energy]   table = "../energy/horowitz45.toml"  (relative to the config file)
//   [mapping]  search = false | true, objective = "energy" | "cycles" | "edp"   (optional)
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

#include "lnslab/lns/datapath.hpp"
#include "lnslab/lns/format.hpp"
#include "lnslab/sim/dataflow.hpp"
#include "lnslab/sim/energy.hpp"

namespace lnslab::sim {

enum class PeType { lns, fp32, fp16, bf16, int8 };
std::string_view to_string(PeType t);

/// A training step's weight-update rule as the update unit computes it, per weight, as plain
/// data (docs/simulator.md §Weight update). The training module's optimizer registry supplies
/// it (nn::OptimizerDescriptor::update_rule); the simulator knows no optimizer by name.
struct UpdateRule {
  std::string name;     ///< a label for reports and TOML, never interpreted
  double fp_mults = 0;  ///< FP32 multiplies per weight (sqrt, divide, exp counted as multiplies)
  double fp_adds = 0;   ///< FP32 adds per weight
  double int_adds = 0;  ///< integer adds at the weight width (an exponent add and its clamp)
  int state_words = 0;  ///< FP32 state words per weight (streamed from and back to DRAM)
  /// The rule adds to the exponents of LNS-stored weights (LNS Madam); false: a float rule,
  /// which on LNS-stored weights pays a decode and a re-encoding per weight.
  bool exponent_update = false;
  friend bool operator==(const UpdateRule&, const UpdateRule&) = default;
};

/// How fold cycles are counted (docs/simulator.md §Timing): `standard` ("default") charges a
/// fold its used rows and columns; `scalesim` follows SCALE-Sim v2 (every fold the full array,
/// no os drain, the last cycle's index reported) and its conv output-size rounding.
enum class TimingMode { standard, scalesim };
std::string_view to_string(TimingMode m);

struct ArrayConfig {
  int rows = 32;
  int cols = 32;
  Dataflow dataflow = Dataflow::os;
  double clock_mhz = 1000;
  TimingMode timing = TimingMode::standard;
};

struct MemoryConfig {
  double input_kib = 64;
  double weight_kib = 64;
  double output_kib = 64;
  double dram_bytes_per_cycle = 16;
  std::uint64_t dram_latency_cycles = 100;
};

/// Word widths in bits of each tensor as it moves (SRAM, DRAM, PE registers).
/// psum_bits is the width of one partial-sum word between PEs / in the output SRAM; for `bins`
/// datapaths a partial sum is `bins` accumulators of W bits, so psum_bits = bins * W.
struct WordBits {
  int input = 8;
  int weight = 8;
  int psum = 32;
  int output = 8;
};

struct PeConfig {
  PeType type = PeType::lns;
  std::optional<lns::Format> format;  ///< lns only
  lns::Datapath datapath;             ///< lns only
  int bins = 1;       ///< accumulators per PE: gamma (bins), gamma >> low_bits (bins_mitchell), 1
  int acc_bits = 32;  ///< width of one accumulator (W for lns; 32 for the baselines)
  /// Float PEs: weights are stored (DRAM, SRAM, update unit) as B-bit LNS codes of this format
  /// and decoded to the PE's float format once per weight word read into the array, as the
  /// Madam paper's B-bit Madam trains (LNS weights, float products).
  /// LNS PEs: the optimizer's master weights are codes of this format (e.g. base 1 + eta0) and
  /// the update unit re-encodes them into `format` (the GEMMs' operand format) once per step.
  std::optional<lns::Format> weight_storage;
  /// Weights are LNS codes (an lns PE, or a float PE with weight_storage).
  bool stores_lns_weights() const { return type == PeType::lns || weight_storage.has_value(); }
};

struct UpdateConfig {
  /// Absent: the config costs no weight update (a training step then throws ConfigError).
  std::optional<UpdateRule> rule;
  int lanes = 32;  ///< weights updated per cycle by the vector unit
};

/// What the per-layer mapping search minimises (docs/simulator.md §Mapping search).
enum class Objective { energy, cycles, edp };
std::string_view to_string(Objective o);

struct MappingConfig {
  bool search = false;  ///< false: the fixed loop order of each dataflow
  Objective objective = Objective::energy;
};

struct Config {
  std::string name;
  std::string origin;  ///< the file it came from
  ArrayConfig array;
  MemoryConfig memory;
  PeConfig pe;
  WordBits words;
  UpdateConfig update;
  EnergyTable energy;
  MappingConfig mapping;
};

/// Parses an objective name; false on anything but energy, cycles, edp.
bool parse_objective(std::string_view text, Objective& out);

/// Reads, validates and completes a config (the energy table is loaded relative to the file).
/// Throws ConfigError naming file, line and field.
Config load_config(const std::filesystem::path& path);
/// Same from text; relative energy-table paths resolve against `base_dir`.
Config parse_config(std::string_view text, const std::string& origin,
                    const std::filesystem::path& base_dir);

/// Default word widths of a PE (before [words] overrides).
WordBits default_words(const PeConfig& pe);

/// The config as TOML text that parse_config reads back to an equal config (the energy table by
/// its absolute path): derived configs are written out so that `lnslab sim` can rerun them.
std::string to_toml(const Config& c);

/// Checks the invariants the model relies on (also run by load/parse); throws ConfigError.
void validate(const Config& c);

}  // namespace lnslab::sim
