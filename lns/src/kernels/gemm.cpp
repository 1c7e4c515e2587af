// The fast GEMM (gemm.hpp): table indices, an overflow bound that licenses exact summation in any
// order, SIMD inner kernels (gemm_simd.cpp), and row/column splits over std::thread.
#include <algorithm>
#include <bit>
#include <cmath>
#include <limits>
#include <memory>
#include <thread>
#include <vector>

#include "gemm_internal.hpp"
#include "gemm_simd.hpp"
#include "lnslab/lns/fixed_point.hpp"

namespace lnslab::lns {

using kernels_detail::i128;
using kernels_detail::IndexGemm;

namespace {

std::int64_t clamp_fixed(i128 v) {
  if (v > fixed_limit) return fixed_limit;
  if (v < -fixed_limit) return -fixed_limit;
  return static_cast<std::int64_t>(v);
}

// Bin contribution magnitude of a product of exponent e (bins / bins_mitchell), and its bin.
std::int64_t bin_contribution(const Datapath& dp, int gamma, int log2_gamma, long e, int& bin) {
  long q = 0;
  int r = 0;
  ShiftRemainderTable::split(e, gamma, q, r);
  const int f = dp.frac_bits;
  if (dp.kind == Accumulation::bins) {
    bin = r;
    if (q + f < 0) return 0;
    return q + f >= 62 ? fixed_limit : std::int64_t{1} << (q + f);
  }
  const int low = dp.low_bits;
  bin = r >> low;
  const std::int64_t mantissa = gamma + (r & ((1 << low) - 1));
  const long shift = q + f - log2_gamma;
  if (shift >= 0)
    return shift >= 62 || mantissa > (fixed_limit >> shift) ? fixed_limit : mantissa << shift;
  return shift <= -63 ? 0 : mantissa >> (-shift);
}

// Number of parts parallel_for uses for n items and `threads` threads.
int part_count(int n, int threads) {
  return std::max(1, std::min(threads, n));
}

// Runs body(part, begin, end) over [0, n) split into part_count(n, threads) contiguous parts,
// part 0 on the calling thread. Which part computes which items never changes a result.
template <typename Body>
void parallel_for(int n, int threads, Body body) {
  const int parts = part_count(n, threads);
  auto begin_of = [&](int t) { return static_cast<int>(static_cast<long long>(n) * t / parts); };
  if (parts == 1) {
    body(0, 0, n);
    return;
  }
  std::vector<std::thread> pool;
  pool.reserve(static_cast<std::size_t>(parts - 1));
  for (int t = 1; t < parts; ++t) {
    const int begin = begin_of(t);
    const int end = begin_of(t + 1);
    pool.emplace_back([&body, t, begin, end] { body(t, begin, end); });
  }
  body(0, 0, begin_of(1));
  for (auto& th : pool) th.join();
}

}  // namespace

GemmPlan::GemmPlan(const Format& fa, const Format& fb, const Datapath& dp, const Format& out) {
  kernels_detail::check_gemm(fa, CodeMatrix{}, fb, CodeMatrix{}, dp, out);
  auto impl = std::make_shared<Impl>(fa, fb, dp, out);
  Impl& p = *impl;
  const int size = fa.kmax() + fb.kmax() + 1;
  p.size = size;
  p.zero_index = 3 * size;
  auto make_lut = [&](const Format& f, std::vector<std::int32_t>& lut) {
    lut.resize(f.code_count());
    for (std::uint32_t c = 0; c < f.code_count(); ++c) {
      const code_t code = static_cast<code_t>(c);
      lut[c] = f.exponent(code) == 0 ? p.zero_index
                                     : f.exponent(code) + (f.is_negative(code) ? size : 0);
    }
  };
  make_lut(fa, p.lut_a);
  make_lut(fb, p.lut_b);
  const std::size_t length = static_cast<std::size_t>(6 * size + 1);
  const int bias_sum = fa.bias() + fb.bias();
  // Calls fill(index, s, negative) for every index of a product (s = ka + kb >= 2).
  auto each_product = [&](auto fill) {
    for (int seg = 0; seg < 3; ++seg)
      for (int s = 2; s < size; ++s) fill(seg * size + s, s, seg == 1);
  };
  if (p.integer_kind()) {
    p.p64.assign(length, 0);
    p.p32.assign(length, 0);
    p.max_p.assign(static_cast<std::size_t>(size), 0);
    if (dp.kind == Accumulation::linear) {
      const ProductFixedTable table(fa, fb, dp.frac_bits);
      each_product([&](int idx, int s, bool negative) {
        const std::int64_t m = table.at_sum(s);
        p.p64[static_cast<std::size_t>(idx)] = negative ? -m : m;
      });
    } else {
      const int gamma = *fa.gamma();
      const int log2_gamma = kernels_detail::log2_exact(gamma);
      const ShiftRemainderTable scale(gamma, dp.frac_bits);
      const int low = dp.kind == Accumulation::bins_mitchell ? dp.low_bits : 0;
      p.bin_scale.resize(static_cast<std::size_t>(gamma >> low));
      for (std::size_t r = 0; r < p.bin_scale.size(); ++r)
        p.bin_scale[r] = scale.constant(static_cast<int>(r << low));
      p.bin_of.assign(length, 0);
      p.contrib.assign(length, 0);
      p.max_contrib.assign(static_cast<std::size_t>(size), 0);
      each_product([&](int idx, int s, bool negative) {
        int bin = 0;
        const std::int64_t m = bin_contribution(dp, gamma, log2_gamma, s - bias_sum, bin);
        const auto at = static_cast<std::size_t>(idx);
        p.bin_of[at] = bin;
        p.contrib[at] = negative ? -m : m;
        const std::int64_t v = clamp_fixed(static_cast<i128>(m) * p.bin_scale[bin]);
        p.p64[at] = negative ? -v : v;
        if (idx < size) p.max_contrib[static_cast<std::size_t>(s)] = m;
      });
      for (int s = 1; s < size; ++s)
        p.max_contrib[s] = std::max(p.max_contrib[s], p.max_contrib[s - 1]);
    }
    for (std::size_t i = 0; i < length; ++i) {
      const std::int64_t v = p.p64[i];
      p.p32[i] = static_cast<std::int32_t>(std::clamp<std::int64_t>(
          v, std::numeric_limits<std::int32_t>::min(), std::numeric_limits<std::int32_t>::max()));
    }
    for (int s = 2; s < size; ++s) p.max_p[static_cast<std::size_t>(s)] = p.p64[s];
    for (int s = 1; s < size; ++s) p.max_p[s] = std::max(p.max_p[s], p.max_p[s - 1]);
  } else if (dp.kind == Accumulation::exact) {
    p.pd.assign(length, 0.0);
    each_product([&](int idx, int s, bool negative) {
      const double m = static_cast<double>(base_power(fa, s - bias_sum));
      p.pd[static_cast<std::size_t>(idx)] = negative ? -m : m;
    });
  } else {
    p.pcode.assign(length, 0);
    each_product([&](int idx, int s, bool negative) {
      p.pcode[static_cast<std::size_t>(idx)] =
          out.finish(negative, static_cast<long>(s) - bias_sum + out.bias(), Underflow::flush);
    });
  }
  impl_ = std::move(impl);
}

const Datapath& GemmPlan::datapath() const {
  return impl_->dp;
}

namespace {

struct Prepared {
  int m = 0, n = 0, kdim = 0;
  std::vector<std::int32_t> ia;  // M x K
  std::vector<std::int32_t> ib;  // K x N
  std::vector<char> row_nan, col_nan;
  int words = 0;                      // 64-bit words per zero mask (counts only)
  std::vector<std::uint64_t> zero_a;  // M x words: bit k set when A(i, k) is the zero code
  std::vector<std::uint64_t> zero_b;  // N x words: bit k set when B(k, j) is the zero code
  int max_s = 0;                      // largest ka + kb over nonzero, non-NaN codes (0: no product)
};

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

// Bitmasks of the zero codes (count_zeros only).
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

// Zero-skip and NaN counts of every output, via bitmasks (paths without the counted sums).
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

// One integer-datapath output in k order with the saturation after every add (the reference's
// rule); bcol[k * bstep] are B's indices. Adds saturations and bins_touched to `counts`.
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
  return std::ldexp(static_cast<double>(kernels_detail::shift_round_even(total, f)), -f);
}

// The sequential per-output path (every output in k order: logadd, and the integer datapaths when
// the counted sums cannot be packed).
void sequential(const GemmPlan::Impl& p, const Prepared& q, const std::vector<std::int32_t>& ibt,
                int i0, int i1, double* c, GemmCounts& counts) {
  std::vector<std::int64_t> bins(p.bin_scale.size());
  for (int i = i0; i < i1; ++i) {
    const std::int32_t* arow = q.ia.data() + static_cast<std::ptrdiff_t>(i) * q.kdim;
    for (int j = 0; j < q.n; ++j) {
      double& result = c[static_cast<std::ptrdiff_t>(i) * q.n + j];
      if (q.row_nan[static_cast<std::size_t>(i)] || q.col_nan[static_cast<std::size_t>(j)]) {
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

// ---- the counted path --------------------------------------------------------------------------
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
struct Packing {
  int zero_bits = 0;
  int bin_bits = 0;
  int abs_shift = 0;
  int u = 0;
  std::int64_t limit = 0;
  bool ok = false;
};

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

// Products with a zero code operand in output (i, j), from the codes (NaN outputs only).
std::uint64_t zeros_of(const CodeMatrix& a, const CodeMatrix& b, int i, int j) {
  std::uint64_t n = 0;
  for (int k = 0; k < a.cols; ++k)
    n += (a.data[i * a.row_stride + k * a.col_stride] == 0 ||
          b.data[k * b.row_stride + j * b.col_stride] == 0)
             ? 1u
             : 0u;
  return n;
}

// Runs body(part, i0, i1, j0, j1) over the outputs, the larger dimension split between threads.
template <typename Body>
void split_outputs(int m, int n, int threads, Body body) {
  if (m >= n || m >= 2 * threads)
    parallel_for(m, threads, [&](int part, int i0, int i1) { body(part, i0, i1, 0, n); });
  else
    parallel_for(n, threads, [&](int part, int j0, int j1) { body(part, 0, m, j0, j1); });
}

void run_counted(const GemmPlan::Impl& p, const Prepared& q, const Packing& k, const CodeMatrix& a,
                 const CodeMatrix& b, double* c, GemmCounts& total, int threads) {
  const std::vector<std::int64_t> tp = packed_table(p, k);
  const std::size_t outputs = static_cast<std::size_t>(q.m) * q.n;
  // Every element is written by the kernel: no zero fill.
  const std::unique_ptr<std::int64_t[]> sum(new std::int64_t[outputs]);
  const std::unique_ptr<std::int64_t[]> packed(new std::int64_t[outputs]);
  const std::unique_ptr<std::int64_t[]> ored(new std::int64_t[outputs]);
  const kernels_detail::IndexGemm g{q.ia.data(), q.ib.data(), q.kdim, q.n};
  const int f = p.dp.frac_bits;
  const bool bins_kind = p.bins_kind();
  const std::uint64_t zero_mask = (std::uint64_t{1} << k.zero_bits) - 1;
  const std::uint64_t bin_mask = (std::uint64_t{1} << k.bin_bits) - 1;
  std::vector<GemmCounts> part_counts(static_cast<std::size_t>(std::max(q.m, q.n)));
  split_outputs(q.m, q.n, threads, [&](int part, int i0, int i1, int j0, int j1) {
    kernels_detail::sum_counted(p.p64.data(), tp.data(), g, i0, i1, j0, j1, sum.get(), packed.get(),
                                ored.get());
    GemmCounts& pc = part_counts[static_cast<std::size_t>(part)];
    std::vector<std::int64_t> bins(p.bin_scale.size());
    for (int i = i0; i < i1; ++i) {
      for (int j = j0; j < j1; ++j) {
        const std::size_t x = static_cast<std::size_t>(i) * q.n + j;
        if (q.row_nan[static_cast<std::size_t>(i)] || q.col_nan[static_cast<std::size_t>(j)]) {
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
          c[x] = std::ldexp(static_cast<double>(kernels_detail::shift_round_even(sum[x], f)), -f);
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

}  // namespace

void GemmPlan::run(CodeMatrix a, CodeMatrix b, double* c, GemmCounts* counts, int threads) const {
  const Impl& p = *impl_;
  kernels_detail::check_gemm(p.fa, a, p.fb, b, p.dp, p.out);
  if (threads < 1) throw std::invalid_argument("lns::gemm: threads must be >= 1");
  Prepared q = prepare(p, a, b);
  GemmCounts total;
  total.macs = static_cast<std::uint64_t>(q.m) * static_cast<std::uint64_t>(q.n) *
               static_cast<std::uint64_t>(q.kdim);
  auto finish = [&] {
    if (counts != nullptr) *counts += total;
  };
  auto zero_counts = [&] {
    if (counts == nullptr) return;
    zero_masks(q, a, b);
    count_zeros(q, total);
  };
  const IndexGemm g{q.ia.data(), q.ib.data(), q.kdim, q.n};
  auto split = [&](auto body) {  // body(i0, i1, j0, j1)
    split_outputs(q.m, q.n, threads,
                  [&](int, int i0, int i1, int j0, int j1) { body(i0, i1, j0, j1); });
  };
  auto set_nan = [&] {
    for (int i = 0; i < q.m; ++i)
      for (int j = 0; j < q.n; ++j)
        if (q.row_nan[static_cast<std::size_t>(i)] || q.col_nan[static_cast<std::size_t>(j)])
          c[static_cast<std::ptrdiff_t>(i) * q.n + j] = std::numeric_limits<double>::quiet_NaN();
  };

  if (p.dp.kind == Accumulation::exact) {
    split([&](int i0, int i1, int j0, int j1) {
      kernels_detail::sum_f64(p.pd.data(), g, i0, i1, j0, j1, c);
    });
    set_nan();
    zero_counts();
    return finish();
  }

  bool free_order = false;
  bool fits_i32 = false;
  if (p.integer_kind()) {
    const std::int64_t kd = std::max(q.kdim, 1);
    const std::int64_t max_entry = p.max_p[static_cast<std::size_t>(q.max_s)];
    const std::int64_t acc_max = (std::int64_t{1} << (p.dp.acc_bits - 1)) - 1;
    const std::int64_t sum_limit = fixed_limit - 1;
    if (p.dp.kind == Accumulation::linear) {
      free_order = max_entry <= std::min(acc_max, sum_limit) / kd;
    } else {
      // bins_touched must then be counted: the counted path does that.
      free_order = p.max_contrib[static_cast<std::size_t>(q.max_s)] <= acc_max / kd &&
                   max_entry <= sum_limit / kd && counts == nullptr;
    }
    fits_i32 = max_entry <= std::int64_t{std::numeric_limits<std::int32_t>::max()} / kd;
  }

  if (free_order) {
    // No partial sum can leave the accumulator range: the exact integer sum in any order.
    std::vector<std::int64_t> sums(static_cast<std::size_t>(q.m) * q.n);
    split([&](int i0, int i1, int j0, int j1) {
      if (fits_i32)
        kernels_detail::sum_i32(p.p32.data(), g, i0, i1, j0, j1, sums.data());
      else
        kernels_detail::sum_i64(p.p64.data(), g, i0, i1, j0, j1, sums.data());
    });
    const int f = p.dp.frac_bits;
    const bool bins = p.bins_kind();
    for (std::size_t x = 0; x < sums.size(); ++x) {
      const i128 v = bins ? kernels_detail::shift_round_even(sums[x], f) : i128{sums[x]};
      c[x] = std::ldexp(static_cast<double>(v), -f);
    }
    set_nan();
    zero_counts();
    return finish();
  }

  if (p.integer_kind()) {
    const Packing k = choose_packing(p, q.kdim);
    if (k.ok) {
      run_counted(p, q, k, a, b, c, total, threads);
      return finish();
    }
  }

  // Sequential path: B transposed so that each output reads contiguous indices.
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
  zero_counts();
  finish();
}

void gemm(const Format& fa, CodeMatrix a, const Format& fb, CodeMatrix b, const Datapath& dp,
          const Format& out, double* c, GemmCounts* counts, int threads) {
  GemmPlan(fa, fb, dp, out).run(a, b, c, counts, threads);
}

}  // namespace lnslab::lns
