// The exact and free-order paths of the fast GEMM (gemm_paths.hpp): one pass of independent sums
// per output by the SIMD kernels of gemm_simd.hpp.
#include <cmath>
#include <limits>
#include <vector>

#include "gemm_paths.hpp"
#include "gemm_simd.hpp"
#include "gemm_threads.hpp"

namespace lnslab::lns::kernels_detail {

void set_nan_outputs(const Prepared& q, double* c) {
  for (int i = 0; i < q.m; ++i)
    for (int j = 0; j < q.n; ++j)
      if (q.nan_output(i, j))
        c[static_cast<std::ptrdiff_t>(i) * q.n + j] = std::numeric_limits<double>::quiet_NaN();
}

void run_exact(const GemmPlan::Impl& p, const Prepared& q, double* c, int threads) {
  const IndexGemm g{q.ia.data(), q.ib.data(), q.kdim, q.n};
  split_outputs(q.m, q.n, threads, [&](int, int i0, int i1, int j0, int j1) {
    sum_f64(p.pd.data(), g, i0, i1, j0, j1, c);
  });
  set_nan_outputs(q, c);
}

void run_free_order(const GemmPlan::Impl& p, const Prepared& q, bool fits_i32, double* c,
                    int threads) {
  // No partial sum can leave the accumulator range: the exact integer sum in any order.
  const IndexGemm g{q.ia.data(), q.ib.data(), q.kdim, q.n};
  std::vector<std::int64_t> sums(static_cast<std::size_t>(q.m) * q.n);
  split_outputs(q.m, q.n, threads, [&](int, int i0, int i1, int j0, int j1) {
    if (fits_i32)
      sum_i32(p.p32.data(), g, i0, i1, j0, j1, sums.data());
    else
      sum_i64(p.p64.data(), g, i0, i1, j0, j1, sums.data());
  });
  const int f = p.dp.frac_bits;
  const bool bins = p.bins_kind();
  for (std::size_t x = 0; x < sums.size(); ++x) {
    const i128 v = bins ? shift_round_even(sums[x], f) : i128{sums[x]};
    c[x] = std::ldexp(static_cast<double>(v), -f);
  }
  set_nan_outputs(q, c);
}

}  // namespace lnslab::lns::kernels_detail
