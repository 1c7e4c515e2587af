// The counted path of the fast GEMM (gemm_paths.hpp).
//
// One pass of exact integer sums in any order gives, per output, the signed sum (the result when
// nothing saturates) and `packed`, the sum of one 64-bit entry per product made of three fields:
//   bits [0, zero_bits)            1 per product with a zero operand (K < 2^zero_bits: exact)
//   bits [zero_bits, abs_shift)    bins: the bit of the product's bin (read back from the OR)
//   bits [abs_shift, 64)           ceil(min(|v|, 2^(W-1)) / 2^u), v the value added to the
//                                  accumulator (bins: to its bin), 0 for dropped products.
// Every partial sum of every accumulator is bounded by the sum of |v| over the output, so when
// (packed >> abs_shift) <= (2^(W-1) - 1) >> u no add saturates and the exact sum is the result.
// Carries from the lower fields only overestimate the abs field (the test stays sound). Other
// outputs are redone sequentially, in k order.
#include <algorithm>
#include <bit>
#include <cmath>
#include <limits>
#include <memory>
#include <vector>

#include "gemm_paths.hpp"
#include "gemm_simd.hpp"
#include "gemm_threads.hpp"
#include "lnslab/lns/fixed_point.hpp"

namespace lnslab::lns::kernels_detail {

Packing choose_packing(const GemmPlan::Impl& p, int kdim) {
  Packing k;
  const int w = p.dp.acc_bits;
  const std::int64_t hi = (std::int64_t{1} << (w - 1)) - 1;
  if (p.bins_kind()) {
    // A passing output has |v| <= hi, so its p64 entries (v * C) must not have been clamped and
    // its total (at most hi * max C) must fit the int64 sum.
    const std::int64_t cmax = *std::max_element(p.bin_scale.begin(), p.bin_scale.end());
    if (static_cast<i128>(hi) * cmax >= fixed_limit) return k;
  }
  k.zero_bits = std::bit_width(static_cast<unsigned>(kdim));
  k.bin_bits = p.bins_kind() ? static_cast<int>(p.bin_scale.size()) : 0;
  k.abs_shift = k.zero_bits + k.bin_bits;
  if (k.abs_shift > 62) return k;
  const i128 room = std::numeric_limits<std::int64_t>::max() / std::max(kdim, 1);
  for (int u = 0; u < w; ++u) {
    // Every entry is below (ceil(2^(W-1) / 2^u) + 1) << abs_shift; K of them must fit int64.
    const i128 entry = ((i128{1} << (w - 1 - u)) + 1) << k.abs_shift;
    if (entry <= room) {
      k.u = u;
      k.limit = hi >> u;
      k.ok = true;
      return k;
    }
  }
  return k;
}

namespace {

std::vector<std::int64_t> packed_table(const GemmPlan::Impl& p, const Packing& k) {
  const std::int64_t cap = std::int64_t{1} << (p.dp.acc_bits - 1);
  const std::int64_t round_up = (std::int64_t{1} << k.u) - 1;
  std::vector<std::int64_t> tp(p.p64.size(), 0);
  for (std::size_t idx = 0; idx < tp.size(); ++idx) {
    if (idx >= static_cast<std::size_t>(p.zero_index)) {
      tp[idx] = 1;
      continue;
    }
    const std::int64_t v = p.bins_kind() ? p.contrib[idx] : p.p64[idx];
    if (v == 0) continue;
    const std::int64_t mag = std::min(v < 0 ? -v : v, cap);
    tp[idx] = ((mag + round_up) >> k.u) << k.abs_shift;
    if (p.bins_kind()) tp[idx] |= (std::int64_t{1} << p.bin_of[idx]) << k.zero_bits;
  }
  return tp;
}

}  // namespace

void run_counted(const GemmPlan::Impl& p, const Prepared& q, const Packing& k, const CodeMatrix& a,
                 const CodeMatrix& b, double* c, GemmCounts& total, int threads) {
  const std::vector<std::int64_t> tp = packed_table(p, k);
  const std::size_t outputs = static_cast<std::size_t>(q.m) * q.n;
  // Every element is written by the kernel: no zero fill.
  const std::unique_ptr<std::int64_t[]> sum(new std::int64_t[outputs]);
  const std::unique_ptr<std::int64_t[]> packed(new std::int64_t[outputs]);
  const std::unique_ptr<std::int64_t[]> ored(new std::int64_t[outputs]);
  const IndexGemm g{q.ia.data(), q.ib.data(), q.kdim, q.n};
  const int f = p.dp.frac_bits;
  const bool bins_kind = p.bins_kind();
  const std::uint64_t zero_mask = (std::uint64_t{1} << k.zero_bits) - 1;
  const std::uint64_t bin_mask = (std::uint64_t{1} << k.bin_bits) - 1;
  std::vector<GemmCounts> part_counts(static_cast<std::size_t>(std::max(q.m, q.n)));
  split_outputs(q.m, q.n, threads, [&](int part, int i0, int i1, int j0, int j1) {
    sum_counted(p.p64.data(), tp.data(), g, i0, i1, j0, j1, sum.get(), packed.get(), ored.get());
    GemmCounts& pc = part_counts[static_cast<std::size_t>(part)];
    std::vector<std::int64_t> bins(p.bin_scale.size());
    for (int i = i0; i < i1; ++i) {
      for (int j = j0; j < j1; ++j) {
        const std::size_t x = static_cast<std::size_t>(i) * q.n + j;
        if (q.nan_output(i, j)) {
          c[x] = std::numeric_limits<double>::quiet_NaN();
          ++pc.nan_outputs;
          pc.zero_skipped += zeros_of(a, b, i, j);
          continue;
        }
        const auto pk = static_cast<std::uint64_t>(packed[x]);
        pc.zero_skipped += pk & zero_mask;
        if ((pk >> k.abs_shift) > static_cast<std::uint64_t>(k.limit)) {  // may saturate
          c[x] = integer_output(p, q.ia.data() + static_cast<std::ptrdiff_t>(i) * q.kdim,
                                q.ib.data() + j, q.n, q.kdim, bins, pc);
          continue;
        }
        if (bins_kind) {
          const auto used = (static_cast<std::uint64_t>(ored[x]) >> k.zero_bits) & bin_mask;
          pc.bins_touched += static_cast<std::uint64_t>(std::popcount(used));
          c[x] = std::ldexp(static_cast<double>(shift_round_even(sum[x], f)), -f);
        } else {
          c[x] = std::ldexp(static_cast<double>(sum[x]), -f);
        }
      }
    }
  });
  for (const GemmCounts& pc : part_counts) {
    total.zero_skipped += pc.zero_skipped;
    total.nan_outputs += pc.nan_outputs;
    total.saturations += pc.saturations;
    total.bins_touched += pc.bins_touched;
  }
}

}  // namespace lnslab::lns::kernels_detail
