#pragma once
// Shared by the GEMM tests: bitwise comparison of results and the check of the fast gemm against
// gemm_reference on every ISA, with 1-3 threads, with and without counts.
#include <cmath>
#include <cstdint>
#include <cstring>
#include <vector>

#include <catch2/catch.hpp>

#include "lnslab/lns/kernels/gemm.hpp"
#include "lnslab/lns/kernels/isa.hpp"

#include "isa_cases.hpp"

namespace lnslab::lns::test {

/// Equal bits, or both NaN.
inline bool same_bits(double a, double b) {
  if (std::isnan(a) && std::isnan(b)) return true;
  std::uint64_t x = 0, y = 0;
  std::memcpy(&x, &a, 8);
  std::memcpy(&y, &b, 8);
  return x == y;
}

inline bool same_counts(const GemmCounts& x, const GemmCounts& y) {
  return x.macs == y.macs && x.zero_skipped == y.zero_skipped && x.nan_outputs == y.nan_outputs &&
         x.saturations == y.saturations && x.bins_touched == y.bins_touched;
}

/// C[m x n] of gemm equals gemm_reference bit for bit (and its counts when asked) for every ISA,
/// 1-3 threads, with and without counts. Returns the reference counts.
inline GemmCounts check_gemm_against_reference(const Format& fa, const CodeMatrix& a,
                                               const Format& fb, const CodeMatrix& b,
                                               const Datapath& dp, const Format& out) {
  const int m = a.rows, k = a.cols, n = b.cols;
  std::vector<double> ref(static_cast<std::size_t>(m) * static_cast<std::size_t>(n));
  GemmCounts ref_counts;
  gemm_reference(fa, a, fb, b, dp, out, ref.data(), &ref_counts);
  test::for_each_kernel_isa([&](const char* isa) {
    for (int threads : {1, 2, 3}) {
      for (bool with_counts : {false, true}) {
        std::vector<double> fast(ref.size(), -1.0);
        GemmCounts counts;
        gemm(fa, a, fb, b, dp, out, fast.data(), with_counts ? &counts : nullptr, threads);
        INFO(fa.spec() << " x " << fb.spec() << " " << to_string(dp) << " " << m << "x" << k << "x"
                       << n << " threads " << threads << " isa " << isa << " counts "
                       << with_counts);
        std::size_t bad = 0;
        for (std::size_t x = 0; x < ref.size(); ++x)
          if (!same_bits(ref[x], fast[x])) {
            if (bad++ == 0) INFO("first mismatch at " << x << ": " << ref[x] << " vs " << fast[x]);
          }
        CHECK(bad == 0);
        if (with_counts) {
          CHECK(counts.macs == ref_counts.macs);
          CHECK(counts.zero_skipped == ref_counts.zero_skipped);
          CHECK(counts.nan_outputs == ref_counts.nan_outputs);
          CHECK(counts.saturations == ref_counts.saturations);
          CHECK(counts.bins_touched == ref_counts.bins_touched);
        }
      }
    }
  });
  set_kernel_isa(KernelIsa::best);
  return ref_counts;
}

}  // namespace lnslab::lns::test
