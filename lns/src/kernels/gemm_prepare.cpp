// Operand preparation of the fast GEMM (gemm_prepare.hpp).
#include "gemm_prepare.hpp"

#include <algorithm>
#include <bit>

namespace lnslab::lns::kernels_detail {

Prepared prepare(const GemmPlan::Impl& p, const CodeMatrix& a, const CodeMatrix& b) {
  Prepared q;
  q.m = a.rows;
  q.n = b.cols;
  q.kdim = a.cols;
  q.ia.resize(static_cast<std::size_t>(q.m) * q.kdim);
  q.ib.resize(static_cast<std::size_t>(q.kdim) * q.n);
  q.row_nan.assign(static_cast<std::size_t>(q.m), 0);
  q.col_nan.assign(static_cast<std::size_t>(q.n), 0);
  const code_t nan_a = p.fa.nan();
  const code_t nan_b = p.fb.nan();
  const code_t mask_a = static_cast<code_t>(p.fa.code_count() - 1);
  const code_t mask_b = static_cast<code_t>(p.fb.code_count() - 1);
  int max_ka = 0, max_kb = 0;
  for (int i = 0; i < q.m; ++i) {
    for (int k = 0; k < q.kdim; ++k) {
      const code_t c = static_cast<code_t>(a.data[i * a.row_stride + k * a.col_stride] & mask_a);
      q.ia[static_cast<std::size_t>(i) * q.kdim + k] = p.lut_a[c];
      if (c == nan_a) q.row_nan[static_cast<std::size_t>(i)] = 1;
      max_ka = std::max(max_ka, c == nan_a ? 0 : p.fa.exponent(c));
    }
  }
  for (int k = 0; k < q.kdim; ++k) {
    for (int j = 0; j < q.n; ++j) {
      const code_t c = static_cast<code_t>(b.data[k * b.row_stride + j * b.col_stride] & mask_b);
      q.ib[static_cast<std::size_t>(k) * q.n + j] = p.lut_b[c];
      if (c == nan_b) q.col_nan[static_cast<std::size_t>(j)] = 1;
      max_kb = std::max(max_kb, c == nan_b ? 0 : p.fb.exponent(c));
    }
  }
  q.max_s = max_ka > 0 && max_kb > 0 ? max_ka + max_kb : 0;
  return q;
}

void zero_masks(Prepared& q, const CodeMatrix& a, const CodeMatrix& b) {
  q.words = (q.kdim + 63) / 64;
  q.zero_a.assign(static_cast<std::size_t>(q.m) * q.words, 0);
  q.zero_b.assign(static_cast<std::size_t>(q.n) * q.words, 0);
  for (int i = 0; i < q.m; ++i)
    for (int k = 0; k < q.kdim; ++k)
      if (a.data[i * a.row_stride + k * a.col_stride] == 0)
        q.zero_a[static_cast<std::size_t>(i) * q.words + k / 64] |= std::uint64_t{1} << (k % 64);
  for (int k = 0; k < q.kdim; ++k)
    for (int j = 0; j < q.n; ++j)
      if (b.data[k * b.row_stride + j * b.col_stride] == 0)
        q.zero_b[static_cast<std::size_t>(j) * q.words + k / 64] |= std::uint64_t{1} << (k % 64);
}

void count_zeros(const Prepared& q, GemmCounts& counts) {
  for (int i = 0; i < q.m; ++i) {
    const std::uint64_t* za = q.zero_a.data() + static_cast<std::ptrdiff_t>(i) * q.words;
    for (int j = 0; j < q.n; ++j) {
      const std::uint64_t* zb = q.zero_b.data() + static_cast<std::ptrdiff_t>(j) * q.words;
      std::uint64_t n = 0;
      for (int w = 0; w < q.words; ++w)
        n += static_cast<std::uint64_t>(std::popcount(za[w] | zb[w]));
      counts.zero_skipped += n;
      if (q.row_nan[static_cast<std::size_t>(i)] || q.col_nan[static_cast<std::size_t>(j)])
        ++counts.nan_outputs;
    }
  }
}

std::uint64_t zeros_of(const CodeMatrix& a, const CodeMatrix& b, int i, int j) {
  std::uint64_t n = 0;
  for (int k = 0; k < a.cols; ++k)
    n += (a.data[i * a.row_stride + k * a.col_stride] == 0 ||
          b.data[k * b.row_stride + j * b.col_stride] == 0)
             ? 1u
             : 0u;
  return n;
}

}  // namespace lnslab::lns::kernels_detail
