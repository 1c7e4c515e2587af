#pragma once
// Operand preparation of the fast GEMM (internal): A and B as table indices of the plan, the NaN
// rows and columns, the largest exponent sum present (for the overflow bound), and on request
// zero-code bitmasks for the counts.
#include <cstdint>
#include <vector>

#include "gemm_internal.hpp"

namespace lnslab::lns::kernels_detail {

struct Prepared {
  int m = 0, n = 0, kdim = 0;
  std::vector<std::int32_t> ia;  // M x K
  std::vector<std::int32_t> ib;  // K x N
  std::vector<char> row_nan, col_nan;
  int words = 0;                      // 64-bit words per zero mask (counts only)
  std::vector<std::uint64_t> zero_a;  // M x words: bit k set when A(i, k) is the zero code
  std::vector<std::uint64_t> zero_b;  // N x words: bit k set when B(k, j) is the zero code
  int max_s = 0;                      // largest ka + kb over nonzero, non-NaN codes (0: no product)

  bool nan_output(int i, int j) const {
    return row_nan[static_cast<std::size_t>(i)] || col_nan[static_cast<std::size_t>(j)];
  }
};

Prepared prepare(const GemmPlan::Impl& p, const CodeMatrix& a, const CodeMatrix& b);

/// Bitmasks of the zero codes (for count_zeros only).
void zero_masks(Prepared& q, const CodeMatrix& a, const CodeMatrix& b);

/// Zero-skip and NaN counts of every output, via the bitmasks (paths without the counted sums).
void count_zeros(const Prepared& q, GemmCounts& counts);

/// Products with a zero code operand in output (i, j), from the codes (NaN outputs only).
std::uint64_t zeros_of(const CodeMatrix& a, const CodeMatrix& b, int i, int j);

}  // namespace lnslab::lns::kernels_detail
