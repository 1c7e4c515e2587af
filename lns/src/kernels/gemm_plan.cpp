// The tables of a GemmPlan (gemm_internal.hpp): code -> index maps and the product tables of each
// datapath, with the running maxima the overflow bound of gemm_run.cpp reads.
#include <algorithm>
#include <limits>
#include <memory>
#include <vector>

#include "gemm_internal.hpp"
#include "lnslab/lns/fixed_point.hpp"

namespace lnslab::lns {

using kernels_detail::i128;

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

}  // namespace lnslab::lns
