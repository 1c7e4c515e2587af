// The fast GEMM (gemm.hpp): path selection. Operands become table indices (gemm_prepare.cpp); an
// overflow bound from the largest exponents present decides whether exact summation in any order
// is licensed (gemm_path_free.cpp), else the counted path (gemm_path_counted.cpp) or the
// sequential one (gemm_path_sequential.cpp) keeps the reference's saturation.
#include <algorithm>
#include <limits>
#include <stdexcept>

#include "gemm_internal.hpp"
#include "gemm_paths.hpp"
#include "gemm_prepare.hpp"
#include "lnslab/lns/fixed_point.hpp"

namespace lnslab::lns {

void GemmPlan::run(CodeMatrix a, CodeMatrix b, double* c, GemmCounts* counts, int threads) const {
  namespace kd = kernels_detail;
  const Impl& p = *impl_;
  kd::check_gemm(p.fa, a, p.fb, b, p.dp, p.out);
  if (threads < 1) throw std::invalid_argument("lns::gemm: threads must be >= 1");
  kd::Prepared q = kd::prepare(p, a, b);
  GemmCounts total;
  total.macs = static_cast<std::uint64_t>(q.m) * static_cast<std::uint64_t>(q.n) *
               static_cast<std::uint64_t>(q.kdim);
  auto finish = [&] {
    if (counts != nullptr) *counts += total;
  };
  auto zero_counts = [&] {
    if (counts == nullptr) return;
    kd::zero_masks(q, a, b);
    kd::count_zeros(q, total);
  };

  if (p.dp.kind == Accumulation::exact) {
    kd::run_exact(p, q, c, threads);
    zero_counts();
    return finish();
  }

  bool free_order = false;
  bool fits_i32 = false;
  if (p.integer_kind()) {
    const std::int64_t kdim = std::max(q.kdim, 1);
    const std::int64_t max_entry = p.max_p[static_cast<std::size_t>(q.max_s)];
    const std::int64_t acc_max = (std::int64_t{1} << (p.dp.acc_bits - 1)) - 1;
    const std::int64_t sum_limit = fixed_limit - 1;
    if (p.dp.kind == Accumulation::linear) {
      free_order = max_entry <= std::min(acc_max, sum_limit) / kdim;
    } else {
      // bins_touched must then be counted: the counted path does that.
      free_order = p.max_contrib[static_cast<std::size_t>(q.max_s)] <= acc_max / kdim &&
                   max_entry <= sum_limit / kdim && counts == nullptr;
    }
    fits_i32 = max_entry <= std::int64_t{std::numeric_limits<std::int32_t>::max()} / kdim;
  }

  if (free_order) {
    kd::run_free_order(p, q, fits_i32, c, threads);
    zero_counts();
    return finish();
  }

  if (p.integer_kind()) {
    const kd::Packing k = kd::choose_packing(p, q.kdim);
    if (k.ok) {
      kd::run_counted(p, q, k, a, b, c, total, threads);
      return finish();
    }
  }

  kd::run_sequential(p, q, c, total, threads);
  zero_counts();
  finish();
}

void gemm(const Format& fa, CodeMatrix a, const Format& fb, CodeMatrix b, const Datapath& dp,
          const Format& out, double* c, GemmCounts* counts, int threads) {
  GemmPlan(fa, fb, dp, out).run(a, b, c, counts, threads);
}

}  // namespace lnslab::lns
