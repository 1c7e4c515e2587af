// The plain scalar reference of every accumulation datapath (datapath.hpp), written to be read:
// one output at a time, one product at a time, exactly as the comments of datapath.hpp say.
#include <cmath>
#include <limits>
#include <vector>

#include "gemm_internal.hpp"
#include "lnslab/lns/fixed_point.hpp"

namespace lnslab::lns {

GemmCounts& GemmCounts::operator+=(const GemmCounts& o) {
  macs += o.macs;
  zero_skipped += o.zero_skipped;
  nan_outputs += o.nan_outputs;
  saturations += o.saturations;
  bins_touched += o.bins_touched;
  return *this;
}

namespace {

using kernels_detail::i128;

// acc + v, saturated to the W-bit two's-complement range; counts a saturation.
std::int64_t saturating_add(std::int64_t acc, std::int64_t v, int w, std::uint64_t& saturations) {
  const std::int64_t hi = (std::int64_t{1} << (w - 1)) - 1;
  const std::int64_t lo = -(std::int64_t{1} << (w - 1));
  const std::int64_t s = acc + v;  // |acc| < 2^61 and |v| <= 2^62: no int64 overflow
  if (s > hi) {
    ++saturations;
    return hi;
  }
  if (s < lo) {
    ++saturations;
    return lo;
  }
  return s;
}

// 2^p as a fixed-point magnitude, clamped to fixed_limit; 0 for p < 0 is the caller's business.
std::int64_t power_of_two(long p) {
  return p >= 62 ? fixed_limit : (std::int64_t{1} << p);
}

}  // namespace

void gemm_reference(const Format& fa, CodeMatrix a, const Format& fb, CodeMatrix b,
                    const Datapath& dp, const Format& out, double* c, GemmCounts* counts) {
  kernels_detail::check_gemm(fa, a, fb, b, dp, out);
  const int m = a.rows;
  const int n = b.cols;
  const int kdim = a.cols;
  const int f = dp.frac_bits;
  const int w = dp.acc_bits;
  GemmCounts total;
  total.macs = static_cast<std::uint64_t>(m) * static_cast<std::uint64_t>(n) *
               static_cast<std::uint64_t>(kdim);

  const ProductFixedTable linear_table(fa, fb, dp.kind == Accumulation::linear ? f : 0);
  const int gamma = fa.gamma().value_or(1);
  const ShiftRemainderTable bin_scale(gamma, f);
  const int low = dp.kind == Accumulation::bins_mitchell ? dp.low_bits : 0;
  const int log2_gamma = kernels_detail::log2_exact(gamma);
  std::vector<std::int64_t> bins(static_cast<std::size_t>(gamma >> low));
  std::vector<bool> touched(bins.size());

  for (int i = 0; i < m; ++i) {
    for (int j = 0; j < n; ++j) {
      double& result = c[static_cast<std::ptrdiff_t>(i) * n + j];
      bool nan = false;
      for (int k = 0; k < kdim; ++k) {
        const code_t x = a.data[i * a.row_stride + k * a.col_stride];
        const code_t y = b.data[k * b.row_stride + j * b.col_stride];
        if (fa.is_nan(x) || fb.is_nan(y)) nan = true;
        if (x == 0 || y == 0) ++total.zero_skipped;
      }
      if (nan) {
        ++total.nan_outputs;
        result = std::numeric_limits<double>::quiet_NaN();
        continue;
      }
      std::int64_t acc = 0;
      double sum = 0.0;
      code_t lns_sum = out.zero();
      std::fill(bins.begin(), bins.end(), 0);
      std::fill(touched.begin(), touched.end(), false);
      for (int k = 0; k < kdim; ++k) {
        const code_t x = a.data[i * a.row_stride + k * a.col_stride];
        const code_t y = b.data[k * b.row_stride + j * b.col_stride];
        if (x == 0 || y == 0) continue;
        const bool negative = fa.is_negative(x) != fb.is_negative(y);
        const long e = static_cast<long>(fa.exponent(x)) - fa.bias() + fb.exponent(y) - fb.bias();
        switch (dp.kind) {
          case Accumulation::linear:
            acc = saturating_add(acc, linear_table(x, y), w, total.saturations);
            break;
          case Accumulation::bins:
          case Accumulation::bins_mitchell: {
            long q = 0;
            int r = 0;
            ShiftRemainderTable::split(e, gamma, q, r);
            std::int64_t magnitude = 0;
            if (dp.kind == Accumulation::bins) {
              magnitude = q + f < 0 ? 0 : power_of_two(q + f);
            } else {
              // floor(2^(q+F) * (gamma + r_lo) / gamma), gamma = 2^log2_gamma.
              const std::int64_t mantissa = gamma + (r & ((1 << low) - 1));
              const long shift = q + f - log2_gamma;
              if (shift >= 0) {
                magnitude = shift >= 62 || mantissa > (fixed_limit >> shift) ? fixed_limit
                                                                             : mantissa << shift;
              } else {
                magnitude = shift <= -63 ? 0 : mantissa >> (-shift);
              }
              r >>= low;
            }
            if (magnitude == 0) break;  // below the smallest bin LSB: dropped
            bins[r] =
                saturating_add(bins[r], negative ? -magnitude : magnitude, w, total.saturations);
            touched[r] = true;
            break;
          }
          case Accumulation::logadd: {
            const code_t p = out.finish(negative, e + out.bias(), Underflow::flush);
            lns_sum = out.add(lns_sum, p);
            break;
          }
          case Accumulation::exact: {
            const double magnitude = static_cast<double>(base_power(fa, e));
            sum += negative ? -magnitude : magnitude;
            break;
          }
        }
      }
      switch (dp.kind) {
        case Accumulation::linear:
          result = std::ldexp(static_cast<double>(acc), -f);
          break;
        case Accumulation::bins:
        case Accumulation::bins_mitchell: {
          i128 scaled = 0;
          for (std::size_t r = 0; r < bins.size(); ++r) {
            scaled += static_cast<i128>(bins[r]) * bin_scale.constant(static_cast<int>(r << low));
            if (touched[r]) ++total.bins_touched;
          }
          result = std::ldexp(static_cast<double>(kernels_detail::shift_round_even(scaled, f)), -f);
          break;
        }
        case Accumulation::logadd:
          result = out.decode(lns_sum);
          break;
        case Accumulation::exact:
          result = sum;
          break;
      }
    }
  }
  if (counts != nullptr) *counts += total;
}

double dot_reference(const Format& fa, const code_t* a, const Format& fb, const code_t* b,
                     std::size_t n, const Datapath& dp, const Format& out, GemmCounts* counts) {
  double c = 0.0;
  const int len = static_cast<int>(n);
  gemm_reference(fa, CodeMatrix::row_major(a, 1, len), fb, CodeMatrix::row_major(b, len, 1), dp,
                 out, &c, counts);
  return c;
}

}  // namespace lnslab::lns
