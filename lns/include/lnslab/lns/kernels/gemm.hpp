#pragma once
// LNS GEMM and dot products over packed code arrays, for every datapath of datapath.hpp.
// `gemm_reference` is the plain scalar reference; `gemm` is the fast path and equals it bit for
// bit, whatever the thread count and whatever SIMD level lnslab/lns/kernels/isa.hpp selects.
#include <cstddef>
#include <cstdint>
#include <memory>

#include "lnslab/lns/datapath.hpp"
#include "lnslab/lns/format.hpp"

namespace lnslab::lns {

/// A read-only matrix of codes: element (i, j) is data[i * row_stride + j * col_stride].
/// Row-major M x K: row_stride = K, col_stride = 1. Column-major: row_stride = 1, col_stride = M.
struct CodeMatrix {
  const code_t* data = nullptr;
  int rows = 0;
  int cols = 0;
  std::ptrdiff_t row_stride = 0;
  std::ptrdiff_t col_stride = 0;
  static CodeMatrix row_major(const code_t* d, int r, int c) { return {d, r, c, c, 1}; }
  static CodeMatrix col_major(const code_t* d, int r, int c) { return {d, r, c, 1, r}; }
};

/// Data-dependent action counts of one GEMM (for the simulator's energy model).
struct GemmCounts {
  std::uint64_t macs = 0;          ///< M * N * K products considered
  std::uint64_t zero_skipped = 0;  ///< products with a zero operand (gated, not accumulated)
  std::uint64_t nan_outputs = 0;   ///< outputs that are NaN (a NaN operand in their dot)
  std::uint64_t saturations = 0;   ///< accumulator adds that saturated
  std::uint64_t bins_touched = 0;  ///< bins datapaths: (output, bin) pairs that received a value
  GemmCounts& operator+=(const GemmCounts& o);
};

/// C[M x N] (row-major doubles, ldc = N) = A[M x K] * B[K x N] in code units (per-tensor scales
/// are the caller's). `out` is the LNS format of logadd results (ignored by other datapaths).
/// fa and fb must share the base; bins datapaths need base 2^(1/gamma). Throws
/// std::invalid_argument on mismatched shapes or an unsupported format/datapath pair.
void gemm_reference(const Format& fa, CodeMatrix a, const Format& fb, CodeMatrix b,
                    const Datapath& dp, const Format& out, double* c, GemmCounts* counts = nullptr);
void gemm(const Format& fa, CodeMatrix a, const Format& fb, CodeMatrix b, const Datapath& dp,
          const Format& out, double* c, GemmCounts* counts = nullptr, int threads = 1);

/// A prepared GEMM: the tables of one (fa, fb, datapath, out) combination, built once and reused
/// by every call (gemm() builds one per call). Immutable after construction; share it between
/// threads freely. Same semantics and bit-identical results as gemm_reference.
///
/// How the fast path works (docs/datapaths.md): codes become int32 table indices (zero and NaN
/// map to a region of zero entries), so every product is one read of a signed table over
/// (sign, ka + kb). When the bound K * max|entry| shows that no partial sum can saturate
/// (checked per call from the largest exponents present), products are summed exactly in int32
/// or int64 lanes in any order (AVX2 gathers when the CPU has them). Otherwise, or when counts
/// are asked for, the counted path (AVX-512 or AVX2 gathers) sums each output exactly together
/// with the sum of the magnitudes added (and packed counts); an output whose magnitude sum stays
/// below the accumulator limit cannot have saturated, and only the others are redone by the
/// sequential per-output loop with the datapath's saturation after every add. `exact` sums doubles
/// in k order per output, vectorised over output columns; `logadd` runs the LNS adder sequentially.
class GemmPlan {
 public:
  GemmPlan(const Format& fa, const Format& fb, const Datapath& dp, const Format& out);
  /// C[M x N] (row-major, ldc = N) = A * B, as gemm(). threads >= 1; results do not depend on it.
  void run(CodeMatrix a, CodeMatrix b, double* c, GemmCounts* counts = nullptr,
           int threads = 1) const;
  /// Dot product of n codes a[i * stride_a] and b[i * stride_b] (a 1 x n times n x 1 GEMM).
  double dot(const code_t* a, const code_t* b, std::size_t n, GemmCounts* counts = nullptr,
             std::ptrdiff_t stride_a = 1, std::ptrdiff_t stride_b = 1) const;
  const Datapath& datapath() const;

  struct Impl;

 private:
  std::shared_ptr<const Impl> impl_;
};

/// Dot products: the reference (gemm_reference with M = N = 1) and the fast one (bit-identical).
double dot_reference(const Format& fa, const code_t* a, const Format& fb, const code_t* b,
                     std::size_t n, const Datapath& dp, const Format& out,
                     GemmCounts* counts = nullptr);
double dot(const Format& fa, const code_t* a, const Format& fb, const code_t* b, std::size_t n,
           const Datapath& dp, const Format& out, GemmCounts* counts = nullptr);

// ---- mixed operands: LNS codes times floats (weight-only training) --------------------------

/// A read-only float matrix: element (i, j) is data[i * row_stride + j * col_stride].
struct FloatMatrix {
  const float* data = nullptr;
  int rows = 0;
  int cols = 0;
  std::ptrdiff_t row_stride = 0;
  std::ptrdiff_t col_stride = 0;
  static FloatMatrix row_major(const float* d, int r, int c) { return {d, r, c, c, 1}; }
  static FloatMatrix col_major(const float* d, int r, int c) { return {d, r, c, 1, r}; }
};

/// C[M x N] (row-major floats, ldc = N) = decode(A) * B with A codes of `fa` (decoded to float,
/// Format::decode_float; NaN codes give NaN) and B floats, or A floats times decode(B). Each
/// output is the float sum over k in increasing order of the float products, c = c + a * b with a
/// separate rounding for the multiply and the add (no fused multiply-add), starting from +0. The
/// fast versions vectorise over output columns and split rows between threads, so they equal the
/// references bit for bit. Per-tensor scales are the caller's.
void gemm_mixed_reference(const Format& fa, CodeMatrix a, FloatMatrix b, float* c);
void gemm_mixed(const Format& fa, CodeMatrix a, FloatMatrix b, float* c, int threads = 1);
void gemm_mixed_reference(FloatMatrix a, const Format& fb, CodeMatrix b, float* c);
void gemm_mixed(FloatMatrix a, const Format& fb, CodeMatrix b, float* c, int threads = 1);

}  // namespace lnslab::lns
