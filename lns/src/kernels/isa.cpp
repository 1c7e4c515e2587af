// CPU detection and the kernel ISA switch (isa.hpp).
#include "isa.hpp"

#include <atomic>

namespace lnslab::lns {
namespace {
std::atomic<int> isa_limit{static_cast<int>(KernelIsa::best)};

bool detect(kernels_detail::CpuFeatures features) {
#if LNSLAB_X86
  const bool avx512 =
      __builtin_cpu_supports("avx512f") != 0 && __builtin_cpu_supports("avx512bw") != 0 &&
      __builtin_cpu_supports("avx512vl") != 0 && __builtin_cpu_supports("avx512vbmi") != 0;
  switch (features) {
    case kernels_detail::CpuFeatures::avx2:
      return __builtin_cpu_supports("avx2") != 0;
    case kernels_detail::CpuFeatures::avx512:
      return avx512;
    case kernels_detail::CpuFeatures::avx512_bitalg:
      return avx512 && __builtin_cpu_supports("avx512bitalg") != 0;
  }
#endif
  static_cast<void>(features);
  return false;
}
}  // namespace

namespace kernels_detail {

bool cpu_supports(CpuFeatures features) {
  static const bool avx2 = detect(CpuFeatures::avx2);
  static const bool avx512 = detect(CpuFeatures::avx512);
  static const bool bitalg = detect(CpuFeatures::avx512_bitalg);
  switch (features) {
    case CpuFeatures::avx2:
      return avx2;
    case CpuFeatures::avx512:
      return avx512;
    case CpuFeatures::avx512_bitalg:
      return bitalg;
  }
  return false;
}

bool avx2_active() {
  return cpu_supports(CpuFeatures::avx2) &&
         isa_limit.load(std::memory_order_relaxed) != static_cast<int>(KernelIsa::portable);
}

bool avx512_active() {
  return cpu_supports(CpuFeatures::avx512) &&
         isa_limit.load(std::memory_order_relaxed) == static_cast<int>(KernelIsa::best);
}

}  // namespace kernels_detail

void set_kernel_isa(KernelIsa isa) {
  isa_limit.store(static_cast<int>(isa));
}

bool kernel_avx2_active() {
  return kernels_detail::avx2_active();
}

bool kernel_avx512_active() {
  return kernels_detail::avx512_active();
}

bool cpu_has_avx2_kernels() {
  return kernels_detail::cpu_supports(kernels_detail::CpuFeatures::avx2);
}

bool cpu_has_avx512_kernels() {
  return kernels_detail::cpu_supports(kernels_detail::CpuFeatures::avx512);
}

}  // namespace lnslab::lns
