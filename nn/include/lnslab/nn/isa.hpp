#pragma once
// The instruction set training runs at: the float matrix products (Eigen, compiled once per ISA
// and chosen at run time) and the LNS kernels follow one process-wide choice.
//
// LNS kernels give the same bits at every ISA; float products do not (FMA rounds once where
// portable code rounds twice, and the vector width changes Eigen's summation order), so a run is
// bit-identical per ISA: TrainConfig::isa records it in run.json and the checkpoint, and
// `--isa portable` reproduces across x86-64 machines.
#include <optional>
#include <string>
#include <string_view>

namespace lnslab::nn {

enum class Isa {
  portable,  ///< the project's base flags (x86-64: SSE2), no FMA
  avx2,      ///< AVX2 + FMA
  avx512,    ///< AVX-512 F/BW/VL/DQ/VBMI + FMA
};

std::string to_string(Isa isa);
/// "portable", "avx2" or "avx512" (not "best": see best_isa()).
std::optional<Isa> parse_isa(std::string_view name);
/// Whether this CPU can run `isa`.
bool cpu_supports(Isa isa);
/// The widest ISA this CPU supports.
Isa best_isa();
/// Makes `isa` the process's ISA (float products and LNS kernels). The CPU must support it.
void use_isa(Isa isa);
/// Fixes the process's float environment for training: Eigen single-threaded with fixed cache-size
/// hints (so that GEMM blocking, hence the order of float sums, does not depend on the machine's
/// caches), and use_isa(isa). Every trainer calls it before its first step.
void fix_training_environment(Isa isa);
/// The ISA the float products use now (the LNS kernels' switch, lns::set_kernel_isa, decides;
/// the default is best_isa()).
Isa active_isa();

}  // namespace lnslab::nn
