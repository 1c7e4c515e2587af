#pragma once
// The one ISA layer of the kernels (internal): target attributes, the CPU detection and the
// dispatch switch (the public half is lnslab/lns/kernels/isa.hpp).
//
// SIMD code is compiled with target attributes, never with per-file -m flags, and runs only when
// avx2_active() / avx512_active() say so, so the library runs on any x86-64 and builds on other
// architectures (LNSLAB_X86 0: the attributes vanish and only the portable paths are called).
#include "lnslab/lns/kernels/isa.hpp"

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#define LNSLAB_X86 1
#include <immintrin.h>
#else
#define LNSLAB_X86 0
#endif

// The feature strings, each written once.
#define LNSLAB_ISA_AVX2 "avx2"
#define LNSLAB_ISA_AVX512 "avx512f,avx512bw,avx512vl,avx512vbmi"
#define LNSLAB_ISA_AVX512_BITALG LNSLAB_ISA_AVX512 ",avx512bitalg"

// LNSLAB_TARGET(isa): a function compiled for `isa`; LNSLAB_TARGET_INLINE(isa): the same, always
// inlined (lane helpers; also usable after a lambda's parameter list as LNSLAB_LAMBDA(isa)).
#if LNSLAB_X86
#define LNSLAB_TARGET(isa) __attribute__((target(isa)))
#define LNSLAB_LAMBDA(isa) __attribute__((always_inline, target(isa)))
#else
#define LNSLAB_TARGET(isa)
#define LNSLAB_LAMBDA(isa) __attribute__((always_inline))
#endif
#define LNSLAB_TARGET_INLINE(isa) inline LNSLAB_LAMBDA(isa)
#define LNSLAB_TARGET_AVX2 LNSLAB_TARGET(LNSLAB_ISA_AVX2)
#define LNSLAB_TARGET_AVX512 LNSLAB_TARGET(LNSLAB_ISA_AVX512)
#define LNSLAB_INLINE_AVX2 LNSLAB_TARGET_INLINE(LNSLAB_ISA_AVX2)
#define LNSLAB_INLINE_AVX512 LNSLAB_TARGET_INLINE(LNSLAB_ISA_AVX512)
#define LNSLAB_INLINE inline __attribute__((always_inline))

namespace lnslab::lns::kernels_detail {

/// The CPU feature sets the kernels are built for (LNSLAB_ISA_*).
enum class CpuFeatures { avx2, avx512, avx512_bitalg };
/// Whether the CPU has `features` (detected once, whatever set_kernel_isa chose).
bool cpu_supports(CpuFeatures features);

/// The AVX2 kernels may run: CPU support and set_kernel_isa not portable.
bool avx2_active();
/// The AVX-512 (F/BW/VL/VBMI) kernels may run: CPU support and KernelIsa::best.
bool avx512_active();

}  // namespace lnslab::lns::kernels_detail
