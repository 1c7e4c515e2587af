#include "lnslab/nn/isa.hpp"

#include <Eigen/Core>

#include "float_gemm/gemm_kernel.hpp"

#include "lnslab/lns/kernels/isa.hpp"
#include "lnslab/nn/errors.hpp"

namespace lnslab::nn {
namespace {

// What the float kernels need beyond the LNS kernels' own detection: FMA (both), AVX-512 DQ.
bool cpu_has_fma() {
#if defined(__x86_64__) && defined(LNSLAB_NN_FLOAT_ISA_X86)
  return __builtin_cpu_supports("fma") != 0;
#else
  return false;
#endif
}
bool cpu_has_avx512dq() {
#if defined(__x86_64__) && defined(LNSLAB_NN_FLOAT_ISA_X86)
  return __builtin_cpu_supports("avx512dq") != 0;
#else
  return false;
#endif
}

}  // namespace

std::string to_string(Isa isa) {
  switch (isa) {
    case Isa::avx2:
      return "avx2";
    case Isa::avx512:
      return "avx512";
    case Isa::portable:
      break;
  }
  return "portable";
}

std::optional<Isa> parse_isa(std::string_view name) {
  for (Isa isa : {Isa::portable, Isa::avx2, Isa::avx512})
    if (name == to_string(isa)) return isa;
  return std::nullopt;
}

bool cpu_supports(Isa isa) {
  switch (isa) {
    case Isa::avx512:
      return lns::cpu_has_avx512_kernels() && cpu_has_avx512dq() && cpu_has_fma();
    case Isa::avx2:
      return lns::cpu_has_avx2_kernels() && cpu_has_fma();
    case Isa::portable:
      break;
  }
  return true;
}

Isa best_isa() {
  if (cpu_supports(Isa::avx512)) return Isa::avx512;
  if (cpu_supports(Isa::avx2)) return Isa::avx2;
  return Isa::portable;
}

void use_isa(Isa isa) {
  if (!cpu_supports(isa))
    throw ConfigError("isa '" + to_string(isa) + "' is not supported by this CPU (it supports " +
                      to_string(best_isa()) + " at best)");
  lns::set_kernel_isa(isa == Isa::avx512 ? lns::KernelIsa::best
                      : isa == Isa::avx2 ? lns::KernelIsa::avx2
                                         : lns::KernelIsa::portable);
}

void fix_training_environment(Isa isa) {
  Eigen::setNbThreads(1);
  Eigen::setCpuCacheSizes(float_gemm::eigen_l1_bytes, float_gemm::eigen_l2_bytes,
                          float_gemm::eigen_l3_bytes);
  use_isa(isa);
}

Isa active_isa() {
  if (lns::kernel_avx512_active() && cpu_supports(Isa::avx512)) return Isa::avx512;
  if (lns::kernel_avx2_active() && cpu_supports(Isa::avx2)) return Isa::avx2;
  return Isa::portable;
}

}  // namespace lnslab::nn
