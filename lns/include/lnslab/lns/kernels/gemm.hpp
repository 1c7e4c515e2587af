#pragma once
// LNS GEMM and dot products over packed code arrays, for every datapath of datapath.hpp.
// `gemm_reference` is the plain scalar reference; `gemm` is the fast path and equals it bit for
// bit, whatever the thread count.
#include <cstddef>
#include <cstdint>

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
  std::uint64_t macs = 0;            ///< M * N * K products considered
  std::uint64_t zero_skipped = 0;    ///< products with a zero operand (gated, not accumulated)
  std::uint64_t nan_outputs = 0;     ///< outputs that are NaN (a NaN operand in their dot)
  std::uint64_t saturations = 0;     ///< accumulator adds that saturated
  std::uint64_t bins_touched = 0;    ///< bins datapaths: (output, bin) pairs that received a value
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

}  // namespace lnslab::lns
