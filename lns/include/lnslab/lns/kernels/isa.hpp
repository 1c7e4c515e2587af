#pragma once
// Which SIMD level the fast kernels use (GEMM, dot products, elementwise arithmetic, encode and
// decode): one process-wide switch for tests and benchmarks. Results are bit-identical whichever
// level runs.

namespace lnslab::lns {

/// The best the CPU offers (AVX-512 with BW/VL/VBMI, else AVX2, as __builtin_cpu_supports says),
/// at most AVX2, or the portable C++ path.
enum class KernelIsa { best, avx2, portable };
void set_kernel_isa(KernelIsa isa);
/// True when the AVX2 kernels are in use (CPU support and not forced portable).
bool kernel_avx2_active();
/// True when the AVX-512 kernels are in use (CPU support and KernelIsa::best).
bool kernel_avx512_active();
/// What the CPU offers, whatever set_kernel_isa chose (the detection the dispatch uses).
bool cpu_has_avx2_kernels();
bool cpu_has_avx512_kernels();

}  // namespace lnslab::lns
