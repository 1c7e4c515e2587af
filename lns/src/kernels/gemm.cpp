// The fast GEMM (gemm.hpp): table indices, an overflow bound that licenses exact summation in any
// order, SIMD inner kernels (gemm_simd.cpp), and row/column splits over std::thread.
#include <algorithm>
#include <bit>
#include <cmath>
#include <limits>
#include <thread>
#include <vector>

#include "gemm_internal.hpp"
#include "gemm_simd.hpp"
#include "lnslab/lns/fixed_point.hpp"

namespace lnslab::lns {

using kernels_detail::i128;
using kernels_detail::IndexGemm;

// Index layout: a nonzero code of A maps to ka + sa * S, of B to kb + sb * S, S = Ka + Kb + 1,
// so the sum of two indices is s + {0, S, 2S} with s = ka + kb (negative product iff the offset
// is S). Zero and NaN codes map to 3S; every index >= 3S holds a zero product. NaN is tracked
// separately (per row of A and column of B).
struct GemmPlan::Impl {
  Format fa, fb, out;
  Datapath dp;
  int size = 0;
  std::int32_t zero_index = 0;
  std::vector<std::int32_t> lut_a, lut_b;  // code -> index
  std::vector<std::int64_t> p64;           // linear: product at F; bins: product * C_bin at 2F
  std::vector<std::int32_t> p32;           // p64 clamped to int32 (valid where p64 fits)
  std::vector<std::int64_t> max_p;         // by s: max over s' <= s of |p64|
  std::vector<std::int64_t> max_contrib;   // bins: by s: max over s' <= s of the bin contribution
  std::vector<std::int32_t> bin_of;        // bins: bin of a product, by index
  std::vector<std::int64_t> contrib;       // bins: signed contribution (bin LSB units), by index
  std::vector<std::int64_t> bin_scale;     // bins: C of each bin
  std::vector<double> pd;                  // exact: signed product as double, by index
  std::vector<code_t> pcode;               // logadd: product encoded in `out`, by index

  Impl(const Format& a, const Format& b, const Datapath& d, const Format& o)
      : fa(a), fb(b), out(o), dp(d) {}
  bool integer_kind() const {
    return dp.kind == Accumulation::linear || dp.kind == Accumulation::bins ||
           dp.kind == Accumulation::bins_mitchell;
  }
  bool bins_kind() const {
    return dp.kind == Accumulation::bins || dp.kind == Accumulation::bins_mitchell;
  }
};

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

Prepared prepare(const GemmPlan::Impl& p, const CodeMatrix& a, const CodeMatrix& b,
                 bool want_counts) {
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
  if (want_counts) {
    q.words = (q.kdim + 63) / 64;
    q.zero_a.assign(static_cast<std::size_t>(q.m) * q.words, 0);
    q.zero_b.assign(static_cast<std::size_t>(q.n) * q.words, 0);
  }
  int max_ka = 0, max_kb = 0;
  for (int i = 0; i < q.m; ++i) {
    for (int k = 0; k < q.kdim; ++k) {
      const code_t c = static_cast<code_t>(a.data[i * a.row_stride + k * a.col_stride] & mask_a);
      q.ia[static_cast<std::size_t>(i) * q.kdim + k] = p.lut_a[c];
      if (c == nan_a) q.row_nan[static_cast<std::size_t>(i)] = 1;
      max_ka = std::max(max_ka, c == nan_a ? 0 : p.fa.exponent(c));
      if (want_counts && c == 0)
        q.zero_a[static_cast<std::size_t>(i) * q.words + k / 64] |= std::uint64_t{1} << (k % 64);
    }
  }
  for (int k = 0; k < q.kdim; ++k) {
    for (int j = 0; j < q.n; ++j) {
      const code_t c = static_cast<code_t>(b.data[k * b.row_stride + j * b.col_stride] & mask_b);
      q.ib[static_cast<std::size_t>(k) * q.n + j] = p.lut_b[c];
      if (c == nan_b) q.col_nan[static_cast<std::size_t>(j)] = 1;
      max_kb = std::max(max_kb, c == nan_b ? 0 : p.fb.exponent(c));
      if (want_counts && c == 0)
        q.zero_b[static_cast<std::size_t>(j) * q.words + k / 64] |= std::uint64_t{1} << (k % 64);
    }
  }
  q.max_s = max_ka > 0 && max_kb > 0 ? max_ka + max_kb : 0;
  return q;
}

// Zero-skip and NaN counts (shared by every path): products with a zero operand, via bitmasks.
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

// The sequential per-output path (saturation after every add, counts, logadd).
void sequential(const GemmPlan::Impl& p, const Prepared& q, const std::vector<std::int32_t>& ibt,
                int i0, int i1, double* c, GemmCounts& counts) {
  const Datapath& dp = p.dp;
  const int f = dp.frac_bits;
  const std::int64_t hi = (std::int64_t{1} << (dp.acc_bits - 1)) - 1;
  const std::int64_t lo = -hi - 1;
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
      if (dp.kind == Accumulation::linear) {
        std::int64_t acc = 0;
        for (int k = 0; k < q.kdim; ++k) {
          const std::int64_t s = acc + p.p64[static_cast<std::size_t>(arow[k] + bcol[k])];
          acc = s > hi ? hi : (s < lo ? lo : s);
          counts.saturations += (s > hi || s < lo) ? 1u : 0u;
        }
        result = std::ldexp(static_cast<double>(acc), -f);
      } else if (p.bins_kind()) {
        std::fill(bins.begin(), bins.end(), 0);
        std::uint64_t touched = 0;
        for (int k = 0; k < q.kdim; ++k) {
          const auto idx = static_cast<std::size_t>(arow[k] + bcol[k]);
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
        result = std::ldexp(static_cast<double>(kernels_detail::shift_round_even(total, f)), -f);
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

void GemmPlan::run(CodeMatrix a, CodeMatrix b, double* c, GemmCounts* counts, int threads) const {
  const Impl& p = *impl_;
  kernels_detail::check_gemm(p.fa, a, p.fb, b, p.dp, p.out);
  if (threads < 1) throw std::invalid_argument("lns::gemm: threads must be >= 1");
  const Prepared q = prepare(p, a, b, counts != nullptr);
  GemmCounts total;
  total.macs = static_cast<std::uint64_t>(q.m) * static_cast<std::uint64_t>(q.n) *
               static_cast<std::uint64_t>(q.kdim);
  if (counts != nullptr) count_zeros(q, total);
  const IndexGemm g{q.ia.data(), q.ib.data(), q.kdim, q.n};
  // Split the larger output dimension between threads.
  const bool by_rows = q.m >= q.n || q.m >= 2 * threads;
  auto split = [&](auto body) {  // body(i0, i1, j0, j1)
    if (by_rows)
      parallel_for(q.m, threads, [&](int, int i0, int i1) { body(i0, i1, 0, q.n); });
    else
      parallel_for(q.n, threads, [&](int, int j0, int j1) { body(0, q.m, j0, j1); });
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
    if (counts != nullptr) *counts += total;
    return;
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
    if (counts != nullptr) *counts += total;
    return;
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
  if (counts != nullptr) *counts += total;
}

double GemmPlan::dot(const code_t* a, const code_t* b, std::size_t n, GemmCounts* counts,
                     std::ptrdiff_t stride_a, std::ptrdiff_t stride_b) const {
  const int len = static_cast<int>(n);
  double c = 0.0;
  run(CodeMatrix{a, 1, len, static_cast<std::ptrdiff_t>(len) * stride_a, stride_a},
      CodeMatrix{b, len, 1, stride_b, stride_b}, &c, counts, 1);
  return c;
}

void gemm(const Format& fa, CodeMatrix a, const Format& fb, CodeMatrix b, const Datapath& dp,
          const Format& out, double* c, GemmCounts* counts, int threads) {
  GemmPlan(fa, fb, dp, out).run(a, b, c, counts, threads);
}

double dot(const Format& fa, const code_t* a, const Format& fb, const code_t* b, std::size_t n,
           const Datapath& dp, const Format& out, GemmCounts* counts) {
  return GemmPlan(fa, fb, dp, out).dot(a, b, n, counts);
}

}  // namespace lnslab::lns
