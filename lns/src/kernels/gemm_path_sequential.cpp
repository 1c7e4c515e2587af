// The sequential path of the fast GEMM (gemm_paths.hpp): every output in k order, as the
// reference adds.
#include <algorithm>
#include <bit>
#include <cmath>
#include <limits>
#include <vector>

#include "gemm_paths.hpp"
#include "gemm_threads.hpp"

namespace lnslab::lns::kernels_detail {

double integer_output(const GemmPlan::Impl& p, const std::int32_t* arow, const std::int32_t* bcol,
                      std::ptrdiff_t bstep, int kdim, std::vector<std::int64_t>& bins,
                      GemmCounts& counts) {
  const int f = p.dp.frac_bits;
  const std::int64_t hi = (std::int64_t{1} << (p.dp.acc_bits - 1)) - 1;
  const std::int64_t lo = -hi - 1;
  if (p.dp.kind == Accumulation::linear) {
    std::int64_t acc = 0;
    for (int k = 0; k < kdim; ++k) {
      const std::int64_t s = acc + p.p64[static_cast<std::size_t>(arow[k] + bcol[k * bstep])];
      acc = s > hi ? hi : (s < lo ? lo : s);
      counts.saturations += (s > hi || s < lo) ? 1u : 0u;
    }
    return std::ldexp(static_cast<double>(acc), -f);
  }
  std::fill(bins.begin(), bins.end(), 0);
  std::uint64_t touched = 0;
  for (int k = 0; k < kdim; ++k) {
    const auto idx = static_cast<std::size_t>(arow[k] + bcol[k * bstep]);
    const std::int64_t v = p.contrib[idx];
    if (v == 0) continue;
    const int r = p.bin_of[idx];
    const std::int64_t s = bins[static_cast<std::size_t>(r)] + v;
    bins[static_cast<std::size_t>(r)] = s > hi ? hi : (s < lo ? lo : s);
    counts.saturations += (s > hi || s < lo) ? 1u : 0u;
    touched |= std::uint64_t{1} << r;
  }
  i128 total = 0;
  for (std::size_t r = 0; r < bins.size(); ++r)
    total += static_cast<i128>(bins[r]) * p.bin_scale[r];
  counts.bins_touched += static_cast<std::uint64_t>(std::popcount(touched));
  return std::ldexp(static_cast<double>(shift_round_even(total, f)), -f);
}

namespace {

void sequential(const GemmPlan::Impl& p, const Prepared& q, const std::vector<std::int32_t>& ibt,
                int i0, int i1, double* c, GemmCounts& counts) {
  std::vector<std::int64_t> bins(p.bin_scale.size());
  for (int i = i0; i < i1; ++i) {
    const std::int32_t* arow = q.ia.data() + static_cast<std::ptrdiff_t>(i) * q.kdim;
    for (int j = 0; j < q.n; ++j) {
      double& result = c[static_cast<std::ptrdiff_t>(i) * q.n + j];
      if (q.nan_output(i, j)) {
        result = std::numeric_limits<double>::quiet_NaN();
        continue;
      }
      const std::int32_t* bcol = ibt.data() + static_cast<std::ptrdiff_t>(j) * q.kdim;
      if (p.integer_kind()) {
        result = integer_output(p, arow, bcol, 1, q.kdim, bins, counts);
      } else {  // logadd
        code_t sum = p.out.zero();
        for (int k = 0; k < q.kdim; ++k) {
          const auto idx = static_cast<std::size_t>(arow[k] + bcol[k]);
          if (idx >= static_cast<std::size_t>(p.zero_index)) continue;
          sum = p.out.add(sum, p.pcode[idx]);
        }
        result = p.out.decode(sum);
      }
    }
  }
}

}  // namespace

void run_sequential(const GemmPlan::Impl& p, const Prepared& q, double* c, GemmCounts& total,
                    int threads) {
  // B transposed so that each output reads contiguous indices.
  std::vector<std::int32_t> ibt(q.ib.size());
  for (int k = 0; k < q.kdim; ++k)
    for (int j = 0; j < q.n; ++j)
      ibt[static_cast<std::size_t>(j) * q.kdim + k] = q.ib[static_cast<std::size_t>(k) * q.n + j];
  std::vector<GemmCounts> part_counts(static_cast<std::size_t>(part_count(q.m, threads)));
  parallel_for(q.m, threads, [&](int part, int i0, int i1) {
    sequential(p, q, ibt, i0, i1, c, part_counts[static_cast<std::size_t>(part)]);
  });
  for (const GemmCounts& pc : part_counts) {
    total.saturations += pc.saturations;
    total.bins_touched += pc.bins_touched;
  }
}

}  // namespace lnslab::lns::kernels_detail
